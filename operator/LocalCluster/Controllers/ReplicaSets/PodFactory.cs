using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;

namespace LlmOperator.LocalCluster.Controllers.ReplicaSets;

/// <summary>A ReplicaSet's pod from its template (controller.GetPodFromTemplate), named like generateName does.</summary>
internal static class PodFactory
{
    /// <summary>utilrand's alphabet: no vowels (no words in names), no look-alike characters.</summary>
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Object names are at most 63 characters; generateName keeps 5 for the suffix.</summary>
    private const int MaxPrefix = 58;

    public static string Prefix(string ownerName)
    {
        var prefix = ownerName + "-";
        return prefix.Length > MaxPrefix ? prefix[..MaxPrefix] : prefix;
    }

    public static string RandomName(string prefix) =>
        prefix + new string(Enumerable.Range(0, 5).Select(_ => Alphabet[Random.Shared.Next(Alphabet.Length)]).ToArray());

    /// <summary>Labels, annotations and finalizers of the template, its spec verbatim, and a controller reference to the set.</summary>
    public static JsonObject FromTemplate(JsonObject replicaSet, string name)
    {
        var template = replicaSet["spec"]?["template"] as JsonObject ?? new JsonObject();
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["generateName"] = Prefix(replicaSet.Name()),
            ["namespace"] = replicaSet.Namespace(),
        };
        foreach (var field in new[] { "labels", "annotations", "finalizers" })
        {
            if (template["metadata"]?[field] is { } value) metadata[field] = value.DeepClone();
        }

        metadata["ownerReferences"] = new JsonArray(ObjectJson.NewControllerRef(replicaSet));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
