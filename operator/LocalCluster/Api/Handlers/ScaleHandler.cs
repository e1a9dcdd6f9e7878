using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// The <c>scale</c> subresource of Deployments and ReplicaSets: an <c>autoscaling/v1 Scale</c> view of
/// spec.replicas. <c>kubectl scale</c> merge-patches it and needs a Scale back, not the parent (P13).
/// </summary>
public sealed class ScaleHandler(WritePipeline pipeline)
{
    public static bool Serves(ResourceType type) =>
        type.GroupResource == BuiltInTypes.Deployments.GroupResource || type.GroupResource == BuiltInTypes.ReplicaSets.GroupResource;

    public async Task GetAsync(ApiCall call) =>
        await ApiResponses.WriteJsonAsync(call.Context, 200, ToScale(pipeline.Read(call)));

    public async Task ReplaceAsync(ApiCall call)
    {
        var scale = await call.ReadObjectAsync();
        var result = await pipeline.UpdateAsync(call, current => WithReplicas(call, current, scale), ObjectStore.UpdateScope.Main);
        await ApiResponses.WriteJsonAsync(call.Context, 200, ToScale(result.Object), result.Warnings);
    }

    public async Task PatchAsync(ApiCall call)
    {
        var patcher = PatchHandler.Patcher(call, await call.ReadBodyAsync());
        var result = await pipeline.UpdateAsync(call, current => WithReplicas(call, current, patcher(ToScale(current))), ObjectStore.UpdateScope.Main);
        await ApiResponses.WriteJsonAsync(call.Context, 200, ToScale(result.Object), result.Warnings);
    }

    public static JsonObject ToScale(JsonObject parent)
    {
        var meta = parent["metadata"] as JsonObject;
        var scaleMeta = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta?[field] is { } value) scaleMeta[field] = value.DeepClone();
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = Replicas(parent["spec"]?["replicas"]) ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = Replicas(parent["status"]?["replicas"]) ?? 0,
                ["selector"] = SelectorText(parent["spec"]?["selector"] as JsonObject),
            },
        };
    }

    private static JsonObject WithReplicas(ApiCall call, JsonObject parent, JsonObject scale)
    {
        var replicas = (scale["spec"] as JsonObject)?["replicas"];
        if (Replicas(replicas) is not { } count || count < 0)
        {
            throw ApiError.Invalid(call.Type, call.NameOrEmpty,
                [("spec.replicas", $"Invalid value: {replicas?.ToJsonString() ?? "null"}: must be an integer greater than or equal to 0")]);
        }

        // A resourceVersion in the Scale guards the update of the parent, as kube-apiserver does.
        if (JsonText.Of((scale["metadata"] as JsonObject)?["resourceVersion"]) is { Length: > 0 } version) parent["metadata"]!["resourceVersion"] = version;
        var spec = parent["spec"] as JsonObject ?? new JsonObject();
        spec["replicas"] = count;
        parent["spec"] = spec;
        return parent;
    }

    private static long? Replicas(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var count) ? count : null;

    /// <summary>A LabelSelector as the string form Scale.status.selector uses ("app=web,tier in (a,b)").</summary>
    private static string SelectorText(JsonObject? selector)
    {
        if (selector is null) return "";
        var terms = (selector["matchLabels"] as JsonObject ?? []).Select(p => $"{p.Key}={JsonText.Of(p.Value)}").ToList();
        foreach (var expression in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = JsonText.Of(expression["key"]);
            var values = string.Join(",", (expression["values"] as JsonArray ?? []).Select(JsonText.Of));
            terms.Add(JsonText.Of(expression["operator"]) switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => $"{key}",
                "DoesNotExist" => $"!{key}",
                var op => $"{key} {op} ({values})",
            });
        }

        return string.Join(",", terms);
    }
}
