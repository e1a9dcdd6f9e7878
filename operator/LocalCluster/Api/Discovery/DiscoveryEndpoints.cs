using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LlmOperator.LocalCluster.Api.Discovery;

// TEMPORARY: the cl-crd branch provides discovery, /version and OpenAPI; this file is deleted when it is merged.
public static class DiscoveryEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ResourceRegistry registry)
    {
        _ = registry;
        app.MapGet("/version", () => Results.Text(new JsonObject { ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0" }.ToJsonString(), "application/json"));
    }
}
