using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>apps/v1 columns as kube-apiserver prints them (Deployments, ReplicaSets, ControllerRevisions).</summary>
internal static class WorkloadPrinters
{
    private static readonly TableColumn Containers = new("Containers", "string", "Names of each container in the template.", Priority: 1);
    private static readonly TableColumn Images = new("Images", "string", "Images referenced by each container in the template.", Priority: 1);
    private static readonly TableColumn Selector = new("Selector", "string", "Label selector for pods.", Priority: 1);

    public static TablePrinter Deployments { get; } = new(
    [
        TableColumn.NameColumn,
        new("Ready", "string", "Number of the pod with ready state"),
        new("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
        new("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
        TableColumn.AgeColumn, Containers, Images, Selector,
    ], (d, now) =>
    [
        JsonRead.Str(d, "metadata", "name"),
        $"{JsonRead.Int(d, "status", "readyReplicas")}/{DesiredReplicas(d)}",
        JsonRead.Int(d, "status", "updatedReplicas"),
        JsonRead.Int(d, "status", "availableReplicas"),
        Age(d, now), ContainerNames(d), ContainerImages(d), FormatSelector(JsonRead.At(d, "spec", "selector")),
    ]);

    public static TablePrinter ReplicaSets { get; } = new(
    [
        TableColumn.NameColumn,
        new("Desired", "integer", "Replicas is the number of desired replicas."),
        new("Current", "integer", "Replicas is the most recently observed number of replicas."),
        new("Ready", "integer", "The number of ready replicas for this replica set."),
        TableColumn.AgeColumn, Containers, Images, Selector,
    ], (rs, now) =>
    [
        JsonRead.Str(rs, "metadata", "name"),
        DesiredReplicas(rs),
        JsonRead.Int(rs, "status", "replicas"),
        JsonRead.Int(rs, "status", "readyReplicas"),
        Age(rs, now), ContainerNames(rs), ContainerImages(rs), FormatSelector(JsonRead.At(rs, "spec", "selector")),
    ]);

    public static TablePrinter ControllerRevisions { get; } = new(
    [
        TableColumn.NameColumn,
        new("Controller", "string", "Controller of the object"),
        new("Revision", "integer", "Revision indicates the revision of the state represented by Data."),
        TableColumn.AgeColumn,
    ], (cr, now) =>
    [
        JsonRead.Str(cr, "metadata", "name"),
        ControllerOf(cr),
        JsonRead.Int(cr, "revision"),
        Age(cr, now),
    ]);

    internal static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(JsonRead.Str(obj, "metadata", "creationTimestamp"), now);

    /// <summary>spec.replicas defaults to 1 when unset, as the API defaults it.</summary>
    private static long DesiredReplicas(JsonObject obj) =>
        JsonRead.At(obj, "spec", "replicas") is null ? 1 : JsonRead.Int(obj, "spec", "replicas");

    private static string ContainerNames(JsonObject obj) =>
        string.Join(",", JsonRead.Objects(obj, "spec", "template", "spec", "containers").Select(c => JsonRead.Str(c, "name")));

    private static string ContainerImages(JsonObject obj) =>
        string.Join(",", JsonRead.Objects(obj, "spec", "template", "spec", "containers").Select(c => JsonRead.Str(c, "image")));

    /// <summary>"kind.group/name" of the controlling owner (e.g. "deployment.apps/web"), or "&lt;none&gt;".</summary>
    private static string ControllerOf(JsonObject obj)
    {
        var owner = JsonRead.Objects(obj, "metadata", "ownerReferences").FirstOrDefault(o => JsonRead.Bool(o, "controller"));
        if (owner is null) return "<none>";
        var apiVersion = JsonRead.Str(owner, "apiVersion") ?? "";
        var group = apiVersion.Contains('/') ? apiVersion[..apiVersion.IndexOf('/')] : "";
        var kind = (JsonRead.Str(owner, "kind") ?? "").ToLowerInvariant();
        return $"{(group.Length == 0 ? kind : $"{kind}.{group}")}/{JsonRead.Str(owner, "name")}";
    }

    /// <summary>A LabelSelector in kubectl's text form: "app=web,tier in (a,b)", or "&lt;none&gt;".</summary>
    internal static string FormatSelector(JsonNode? selector)
    {
        var terms = JsonRead.Entries(selector, "matchLabels").Select(kv => $"{kv.Key}={kv.Value}").ToList();
        foreach (var expression in JsonRead.Objects(selector, "matchExpressions"))
        {
            var key = JsonRead.Str(expression, "key");
            var values = string.Join(",", (JsonRead.At(expression, "values") as JsonArray ?? []).Select(v => v?.ToString()));
            terms.Add(JsonRead.Str(expression, "operator") switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key ?? "",
                "DoesNotExist" => $"!{key}",
                var other => $"{key} {other} ({values})",
            });
        }

        return terms.Count == 0 ? "<none>" : string.Join(",", terms);
    }
}
