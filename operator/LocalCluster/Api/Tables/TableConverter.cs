using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1 Table</c> that kubectl asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c> and prints as it is. kubectl never reads
/// printer columns itself; without a Table every kind prints as NAME AGE only.
/// </summary>
public static class TableConverter
{
    private static readonly Dictionary<string, TablePrinter> BuiltIn = new()
    {
        [BuiltInTypes.Pods.GroupResource] = PodPrinter.Printer,
        [BuiltInTypes.Deployments.GroupResource] = WorkloadPrinters.Deployments,
        [BuiltInTypes.ReplicaSets.GroupResource] = WorkloadPrinters.ReplicaSets,
        [BuiltInTypes.ControllerRevisions.GroupResource] = WorkloadPrinters.ControllerRevisions,
        [BuiltInTypes.Services.GroupResource] = CorePrinters.Services,
        [BuiltInTypes.Endpoints.GroupResource] = CorePrinters.Endpoints,
        [BuiltInTypes.Nodes.GroupResource] = CorePrinters.Nodes,
        [BuiltInTypes.Namespaces.GroupResource] = CorePrinters.Namespaces,
        [BuiltInTypes.ConfigMaps.GroupResource] = CorePrinters.ConfigMaps,
        [BuiltInTypes.Secrets.GroupResource] = CorePrinters.Secrets,
        [BuiltInTypes.ServiceAccounts.GroupResource] = CorePrinters.ServiceAccounts,
        [BuiltInTypes.Events.GroupResource] = EventPrinter.Printer,
        [BuiltInTypes.Leases.GroupResource] = CorePrinters.Leases,
        [BuiltInTypes.CustomResourceDefinitions.GroupResource] = CorePrinters.CustomResourceDefinitions,
        [BuiltInTypes.ValidatingWebhookConfigurations.GroupResource] = CorePrinters.WebhookConfigurations,
        [BuiltInTypes.MutatingWebhookConfigurations.GroupResource] = CorePrinters.WebhookConfigurations,
    };

    /// <summary>Kinds with neither printer columns nor a built-in printer: name and creation time (kube's default).</summary>
    private static readonly TablePrinter Default = new(
        [TableColumn.NameColumn, new("Created At", "date", TableColumn.AgeDescription)],
        (obj, _) => [JsonRead.Str(obj, "metadata", "name"), JsonRead.Str(obj, "metadata", "creationTimestamp")]);

    /// <summary>
    /// A Table of <paramref name="objects"/> (one row each; a GET of one object and each watch event
    /// are one-row Tables). Each row carries the full object when <paramref name="includeObject"/>
    /// (<c>includeObject=Object</c>, sent by <c>--sort-by</c>), else a PartialObjectMetadata: kubectl
    /// reads rows[].object.metadata for -A's NAMESPACE column, --show-labels and <c>get all</c>'s prefixes.
    /// </summary>
    public static JsonObject ToTable(ResourceType type, IReadOnlyList<JsonObject> objects, bool includeObject,
        string? resourceVersion, string? continueToken) =>
        ToTable(type, objects, includeObject, resourceVersion, continueToken, DateTimeOffset.UtcNow);

    /// <summary>As above, with ages measured at <paramref name="now"/>.</summary>
    public static JsonObject ToTable(ResourceType type, IReadOnlyList<JsonObject> objects, bool includeObject,
        string? resourceVersion, string? continueToken, DateTimeOffset now)
    {
        var printer = PrinterFor(type);
        var metadata = new JsonObject();
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion;
        if (!string.IsNullOrEmpty(continueToken)) metadata["continue"] = continueToken;
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray(printer.Columns.Select(c => (JsonNode)c.ToJson()).ToArray()),
            ["rows"] = new JsonArray(objects.Select(o => (JsonNode)Row(printer, o, includeObject, now)).ToArray()),
        };
    }

    /// <summary>The column definitions alone (e.g. for documenting or for a watch's first event).</summary>
    public static IReadOnlyList<TableColumn> Columns(ResourceType type) => PrinterFor(type).Columns;

    private static TablePrinter PrinterFor(ResourceType type) =>
        type.PrinterColumns is { } columns ? CustomColumnsPrinter.Create(columns)
        : BuiltIn.GetValueOrDefault(type.GroupResource) ?? Default;

    private static JsonObject Row(TablePrinter printer, JsonObject obj, bool includeObject, DateTimeOffset now)
    {
        var cells = printer.Cells(obj, now);
        return new JsonObject
        {
            ["cells"] = new JsonArray(cells),
            ["object"] = includeObject ? obj.DeepClone() : new JsonObject
            {
                ["kind"] = "PartialObjectMetadata",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
            },
        };
    }
}
