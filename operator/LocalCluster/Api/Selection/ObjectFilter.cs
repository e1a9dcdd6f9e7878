using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Selection;

/// <summary>The label and field selectors of one list, watch or delete-collection request.</summary>
public sealed record ObjectFilter(LabelSelector Labels, FieldSelector Fields)
{
    public static ObjectFilter Everything { get; } = new(LabelSelector.Everything, FieldSelector.Everything);

    public static ObjectFilter Parse(string? labelSelector, string? fieldSelector, ResourceType type) =>
        new(LabelSelector.Parse(labelSelector), FieldSelector.Parse(fieldSelector, type));

    public bool Matches(JsonObject obj) => Labels.Matches(obj) && Fields.Matches(obj);
}
