using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>A meta.k8s.io/v1 TableColumnDefinition. Priority 0 columns show by default, 1 only with <c>-o wide</c>.</summary>
public sealed record TableColumn(string Name, string Type, string Description, int Priority = 0, string Format = "")
{
    public const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.";

    public const string AgeDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created.";

    public static TableColumn NameColumn { get; } = new("Name", "string", NameDescription, Format: "name");

    public static TableColumn AgeColumn { get; } = new("Age", "string", AgeDescription);

    public JsonObject ToJson() => new()
    {
        ["name"] = Name, ["type"] = Type, ["format"] = Format, ["description"] = Description, ["priority"] = Priority,
    };
}

/// <summary>
/// How one kind prints: its columns and a function from an object to its cells (one per column, in order).
/// The server always renders every column, wide ones included; kubectl hides priority 1 without -o wide.
/// </summary>
internal sealed record TablePrinter(IReadOnlyList<TableColumn> Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells);
