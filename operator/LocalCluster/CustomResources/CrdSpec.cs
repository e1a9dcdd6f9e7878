using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Tables;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>
/// What a CustomResourceDefinition object says, read from its JSON: names with their defaults, and one
/// <see cref="ResourceType"/> per served version (kind, scope, status subresource, printer columns, schema).
/// </summary>
public static class CrdSpec
{
    /// <summary>The default column of a version without additionalPrinterColumns (apiextensions' defaulting).</summary>
    private static readonly PrinterColumn AgeColumn = new("Age", "date", ".metadata.creationTimestamp",
        TableColumn.AgeDescription);

    public static string Group(JsonObject crd) => JsonRead.Str(crd, "spec", "group") ?? "";

    /// <summary>spec.names with singular (lowercase kind) and listKind (kind + "List") filled in when absent.</summary>
    public static JsonObject Names(JsonObject crd)
    {
        var names = JsonRead.At(crd, "spec", "names") as JsonObject is { } given ? (JsonObject)given.DeepClone() : new JsonObject();
        var kind = (string?)names["kind"] ?? "";
        if (string.IsNullOrEmpty((string?)names["singular"])) names["singular"] = kind.ToLowerInvariant();
        if (string.IsNullOrEmpty((string?)names["listKind"])) names["listKind"] = kind + "List";
        return names;
    }

    public static IEnumerable<JsonObject> Versions(JsonObject crd) => JsonRead.Objects(crd, "spec", "versions");

    public static string? StorageVersion(JsonObject crd) =>
        Versions(crd).Where(v => JsonRead.Bool(v, "storage")).Select(v => JsonRead.Str(v, "name")).FirstOrDefault();

    /// <summary>The kinds to serve: one per version with served: true.</summary>
    public static IReadOnlyList<ResourceType> ServedTypes(JsonObject crd)
    {
        var names = Names(crd);
        var group = Group(crd);
        var namespaced = JsonRead.Str(crd, "spec", "scope") != "Cluster";
        return Versions(crd).Where(v => JsonRead.Bool(v, "served")).Select(version => new ResourceType(
            group,
            JsonRead.Str(version, "name") ?? "",
            (string?)names["kind"] ?? "",
            (string?)names["plural"] ?? "",
            namespaced,
            HasStatusSubresource: JsonRead.At(version, "subresources", "status") is not null,
            ShortNames: Strings(names["shortNames"]),
            Categories: Strings(names["categories"]))
        {
            PrinterColumns = PrinterColumns(version),
            OpenApiSchema = JsonRead.At(version, "schema", "openAPIV3Schema")?.DeepClone() as JsonObject,
        }).ToList();
    }

    private static IReadOnlyList<PrinterColumn> PrinterColumns(JsonObject version)
    {
        var columns = JsonRead.Objects(version, "additionalPrinterColumns").Select(c => new PrinterColumn(
            JsonRead.Str(c, "name") ?? "",
            JsonRead.Str(c, "type") ?? "string",
            JsonRead.Str(c, "jsonPath") ?? "",
            JsonRead.Str(c, "description") ?? "",
            (int)JsonRead.Int(c, "priority"),
            JsonRead.Str(c, "format") ?? "")).ToList();
        return columns.Count > 0 ? columns : [AgeColumn];
    }

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => (string?)n).OfType<string>().ToList();
}
