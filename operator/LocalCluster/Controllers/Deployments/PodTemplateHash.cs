using System.Text;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// The <c>pod-template-hash</c> of a pod template, computed the way Kubernetes does (controller.ComputeHash):
/// FNV-32a over the template, then the collision count as 8 little-endian bytes, rendered with
/// rand.SafeEncodeString. Kubernetes hashes Go's printed struct; here the template's canonical JSON
/// (keys sorted, empty values dropped) is hashed, which is equally stable and equally sensitive to
/// every field, so the same template always maps to the same ReplicaSet name.
/// </summary>
internal static class PodTemplateHash
{
    /// <summary>The alphabet of rand.SafeEncodeString: no vowels (no words), no look-alike characters.</summary>
    private const string SafeAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Compute(JsonObject template, int? collisionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(Canonical(WithoutHashLabel(template)).ToJsonString()))
        {
            hash = (hash ^ b) * 16777619u;
        }

        if (collisionCount is { } count)
        {
            var bytes = new byte[8];
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), (uint)count);
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes, 0, 4);
            foreach (var b in bytes) hash = (hash ^ b) * 16777619u;
        }

        var digits = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new string(digits.Select(c => SafeAlphabet[c % SafeAlphabet.Length]).ToArray());
    }

    /// <summary>Whether two templates are the same apart from the pod-template-hash label (EqualIgnoreHash).</summary>
    public static bool EqualIgnoringHash(JsonNode? a, JsonNode? b) =>
        JsonNode.DeepEquals(Canonical(WithoutHashLabel(a as JsonObject)), Canonical(WithoutHashLabel(b as JsonObject)));

    private static JsonObject WithoutHashLabel(JsonObject? template)
    {
        var copy = (JsonObject?)template?.DeepClone() ?? new JsonObject();
        ((copy["metadata"] as JsonObject)?["labels"] as JsonObject)?.Remove(DeploymentSpec.PodTemplateHashLabel);
        return copy;
    }

    /// <summary>
    /// Sorted keys with nulls, empty objects and empty arrays removed: Kubernetes' semantic equality
    /// treats a missing field, a null and an empty map or list alike.
    /// </summary>
    private static JsonNode Canonical(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(p => p.Value is not null)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Canonical(p.Value!)))
            .Where(p => !IsEmpty(p.Value!))),
        JsonArray list => new JsonArray(list.Where(i => i is not null).Select(i => Canonical(i!)).ToArray()),
        _ => node.DeepClone(),
    };

    private static bool IsEmpty(JsonNode node) => node is JsonObject { Count: 0 } or JsonArray { Count: 0 };
}
