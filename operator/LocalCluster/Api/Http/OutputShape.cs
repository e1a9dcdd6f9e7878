using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Tables;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Http;

/// <summary>
/// The representation a client asked for in its Accept header: the objects themselves, a
/// meta.k8s.io Table (kubectl get) or PartialObjectMetadata (metadata-only clients). Protobuf is
/// not served; clients that offer it also offer JSON and get JSON (reference P8).
/// </summary>
public sealed record OutputShape(OutputShape.Kind Form, bool TableIncludesObject)
{
    public enum Kind { Object, Table, PartialObjectMetadata }

    public static OutputShape Objects { get; } = new(Kind.Object, false);

    /// <summary>Picks the first media range the server can serve, in the client's order.</summary>
    public static OutputShape From(string? accept, string? includeObject)
    {
        foreach (var range in (accept ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parameters = range.Split(';', StringSplitOptions.TrimEntries).Skip(1)
                .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            var meta = parameters.GetValueOrDefault("g") == "meta.k8s.io";
            switch (parameters.GetValueOrDefault("as"))
            {
                case "Table" when meta:
                    return new OutputShape(Kind.Table, includeObject == "Object");
                case "PartialObjectMetadata" or "PartialObjectMetadataList" when meta:
                    return new OutputShape(Kind.PartialObjectMetadata, false);
                case null when !range.StartsWith("application/vnd.kubernetes.protobuf", StringComparison.Ordinal):
                    return Objects;
            }
        }

        return Objects;
    }

    /// <summary>One object as answered to GET or carried by a watch event.</summary>
    public JsonObject Single(ResourceType type, JsonObject obj) => Form switch
    {
        Kind.Table => TableConverter.ToTable(type, [obj], TableIncludesObject, (string?)obj["metadata"]?["resourceVersion"], null),
        Kind.PartialObjectMetadata => Partial(obj),
        _ => obj,
    };

    /// <summary>A LIST answer: a &lt;Kind&gt;List, a Table or a PartialObjectMetadataList.</summary>
    public JsonObject List(ResourceType type, IReadOnlyList<JsonObject> items, long resourceVersion, string? continueToken, long? remaining)
    {
        var rv = resourceVersion.ToString();
        if (Form == Kind.Table) return TableConverter.ToTable(type, items, TableIncludesObject, rv, continueToken);

        var metadata = new JsonObject { ["resourceVersion"] = rv };
        if (continueToken is not null) metadata["continue"] = continueToken;
        if (remaining is not null) metadata["remainingItemCount"] = remaining;
        var partial = Form == Kind.PartialObjectMetadata;
        return new JsonObject
        {
            ["kind"] = partial ? "PartialObjectMetadataList" : type.ListKind,
            ["apiVersion"] = partial ? "meta.k8s.io/v1" : type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray(items.Select(i => (JsonNode)(partial ? Partial(i) : i.DeepClone())).ToArray()),
        };
    }

    private static JsonObject Partial(JsonObject obj) => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = "meta.k8s.io/v1",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };
}
