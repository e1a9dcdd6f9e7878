using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LlmOperator.LocalCluster.Faults;

/// <summary>
/// Fault injection switched at run time over HTTP, for a cluster running in another process
/// (<c>cluster</c> command): <c>GET /localcluster/faults</c> shows the rules and the faults injected
/// so far; <c>PUT</c> replaces them with <c>{"enabled":true,"rules":[{"verbs":["create"],
/// "resources":["pods"],"conflictRate":0.2,"serverErrorRate":0,"tooManyRequestsRate":0,
/// "retryAfterSeconds":1,"latencyMs":0,"watchCutRate":0}]}</c>; <c>POST /localcluster/faults/cut-watches</c>
/// ends every open watch. Outside /api and /apis, so no Kubernetes client mistakes it for a resource.
/// </summary>
public static class FaultEndpoints
{
    public const string Path = "/localcluster/faults";

    public static void Map(IEndpointRouteBuilder app, FaultInjector faults)
    {
        app.MapGet(Path, (HttpContext c) => ApiResponses.WriteJsonAsync(c, 200, Describe(faults)));
        app.MapPut(Path, async (HttpContext c) =>
        {
            try
            {
                var body = await JsonNode.ParseAsync(c.Request.Body, cancellationToken: c.RequestAborted) as JsonObject
                    ?? throw ApiError.BadRequest("the fault settings must be a JSON object {\"enabled\":..., \"rules\":[...]}");
                faults.Rules = ((body["rules"] as JsonArray) ?? []).Select((r, i) => ParseRule(r, i)).ToList();
                faults.Enabled = body["enabled"] is JsonValue enabled && enabled.TryGetValue<bool>(out var on) && on;
                await ApiResponses.WriteJsonAsync(c, 200, Describe(faults));
            }
            catch (Exception e) when (e is ApiError or JsonException or ArgumentException or InvalidOperationException)
            {
                await ApiResponses.WriteErrorAsync(c, e as ApiError ?? ApiError.BadRequest($"invalid fault settings: {e.Message}"));
            }
        });
        app.MapPost(Path + "/cut-watches", (HttpContext c) =>
        {
            faults.CutWatches();
            return ApiResponses.WriteJsonAsync(c, 200, Describe(faults));
        });
    }

    private static FaultRule ParseRule(JsonNode? node, int index)
    {
        if (node is not JsonObject rule) throw ApiError.BadRequest($"rules[{index}] must be a JSON object");
        return new FaultRule(Strings(rule, "verbs", index), Strings(rule, "resources", index))
        {
            ConflictRate = Number(rule, "conflictRate"),
            ServerErrorRate = Number(rule, "serverErrorRate"),
            TooManyRequestsRate = Number(rule, "tooManyRequestsRate"),
            RetryAfterSeconds = (int)Number(rule, "retryAfterSeconds", 1),
            Latency = TimeSpan.FromMilliseconds(Number(rule, "latencyMs")),
            WatchCutRate = Number(rule, "watchCutRate"),
        }.Validated();
    }

    private static List<string> Strings(JsonObject rule, string name, int index) => rule[name] switch
    {
        null => [],
        JsonArray list => list.Select(v => v is JsonValue s && s.TryGetValue<string>(out var text)
            ? text : throw ApiError.BadRequest($"rules[{index}].{name} must be a list of strings")).ToList(),
        _ => throw ApiError.BadRequest($"rules[{index}].{name} must be a list of strings"),
    };

    private static double Number(JsonObject rule, string name, double fallback = 0) =>
        rule[name] is JsonValue value ? value.GetValue<double>() : fallback;

    private static JsonObject Describe(FaultInjector faults) => new()
    {
        ["enabled"] = faults.Enabled,
        ["rules"] = new JsonArray(faults.Rules.Select(r => (JsonNode)new JsonObject
        {
            ["verbs"] = new JsonArray(r.Verbs.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["resources"] = new JsonArray(r.Resources.Select(v => (JsonNode)JsonValue.Create(v)).ToArray()),
            ["conflictRate"] = r.ConflictRate,
            ["serverErrorRate"] = r.ServerErrorRate,
            ["tooManyRequestsRate"] = r.TooManyRequestsRate,
            ["retryAfterSeconds"] = r.RetryAfterSeconds,
            ["latencyMs"] = r.Latency.TotalMilliseconds,
            ["watchCutRate"] = r.WatchCutRate,
        }).ToArray()),
        ["injected"] = new JsonObject(faults.Counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value))),
    };
}
