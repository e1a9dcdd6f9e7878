using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// The meta/v1 DeleteOptions of a DELETE, from its JSON body (kubectl: <c>{"propagationPolicy":"Background"}</c>)
/// or the equivalent query parameters.
/// </summary>
/// <param name="Uid">preconditions.uid: delete only this incarnation of the name.</param>
/// <param name="ResourceVersion">preconditions.resourceVersion: delete only this version.</param>
/// <param name="DryRun">dryRun: ["All"] in the body (kubectl delete --dry-run=server) or dryRun=All in the query.</param>
public sealed record DeleteOptions(string PropagationPolicy, string? Uid, string? ResourceVersion, bool DryRun)
{
    private static readonly string[] Policies = ["Background", "Foreground", "Orphan"];

    /// <summary>The finalizer that hands dependents to the garbage collector, for Foreground and Orphan.</summary>
    public string? PropagationFinalizer => PropagationPolicy switch
    {
        "Foreground" => "foregroundDeletion",
        "Orphan" => "orphan",
        _ => null,
    };

    public static DeleteOptions From(JsonNode? body, ApiCall call)
    {
        if (body is not null and not JsonObject) throw ApiError.BadRequest("DeleteOptions must be a JSON object");
        var options = body as JsonObject ?? new JsonObject();
        var dryRun = options["dryRun"] as JsonArray;
        if (dryRun is not null && dryRun.Any(v => v is not JsonValue value || !value.TryGetValue<string>(out var text) || text != "All"))
        {
            throw ApiError.BadRequest("Invalid dry run value: valid values are \"All\"");
        }

        var policy = Text(options, "propagationPolicy") ?? call.Query("propagationPolicy");
        if (policy is null && options["orphanDependents"] is JsonValue orphan && orphan.TryGetValue<bool>(out var orphans) && orphans)
        {
            policy = "Orphan";
        }

        policy ??= "Background";
        if (!Policies.Contains(policy))
        {
            throw ApiError.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Background\", \"Foreground\", \"Orphan\"");
        }

        var preconditions = options["preconditions"] as JsonObject;
        return new DeleteOptions(policy, Text(preconditions, "uid"), Text(preconditions, "resourceVersion"),
            call.DryRun || dryRun is { Count: > 0 });
    }

    private static string? Text(JsonObject? obj, string name) => obj?[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        var other => throw ApiError.BadRequest($"DeleteOptions.{name} must be a string, not {other.ToJsonString()}"),
    };
}
