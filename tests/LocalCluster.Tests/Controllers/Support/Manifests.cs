using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Tests.Controllers.Support;

/// <summary>Objects as a client would send them (JSON, like kubectl's requests).</summary>
internal static class Manifests
{
    public const string Namespace = "default";

    public static JsonObject Deployment(string name, int replicas, string image, string? maxSurge = null, string? maxUnavailable = null)
    {
        var rollingUpdate = new JsonObject();
        if (maxSurge is not null) rollingUpdate["maxSurge"] = IntOrPercent(maxSurge);
        if (maxUnavailable is not null) rollingUpdate["maxUnavailable"] = IntOrPercent(maxUnavailable);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["strategy"] = new JsonObject { ["type"] = "RollingUpdate", ["rollingUpdate"] = rollingUpdate },
                ["template"] = PodTemplate(name, image),
            },
        };
    }

    public static JsonObject PodTemplate(string app, string image) => new()
    {
        ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = app } },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "main",
                ["image"] = image,
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8000 }),
                // An integer quantity, as users write it: it must reach pods unchanged (no typed round trip).
                ["resources"] = new JsonObject { ["limits"] = new JsonObject { ["nvidia.com/gpu"] = 1 } },
            }),
        },
    };

    public static JsonObject ReplicaSet(string name, int replicas, string app) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "ReplicaSet",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = app } },
            ["template"] = PodTemplate(app, "engine:v1"),
        },
    };

    public static JsonObject Service(string name, string app, JsonNode targetPort, string portName = "http") => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Namespace, ["labels"] = new JsonObject { ["tier"] = "web" } },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = app },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = portName, ["port"] = 80, ["targetPort"] = targetPort }),
        },
    };

    private static JsonNode IntOrPercent(string value) => int.TryParse(value, out var number) ? JsonValue.Create(number) : JsonValue.Create(value);
}
