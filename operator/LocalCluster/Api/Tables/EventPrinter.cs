using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Tables;

/// <summary>
/// <c>kubectl get events</c> columns (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE; the rest with -o wide).
/// Events lead with their time, not their name, as in kube-apiserver.
/// </summary>
internal static class EventPrinter
{
    public static TablePrinter Printer { get; } = new(
    [
        new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
        new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
        new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        new("Object", "string", "The object that this event is about."),
        new("Subobject", "string", "The field of the object the event is about, e.g. spec.containers{name}.", Priority: 1),
        new("Source", "string", "The component reporting this event.", Priority: 1),
        new("Message", "string", "A human-readable description of the status of this operation."),
        new("First Seen", "string", "The time at which the event was first recorded.", Priority: 1),
        new("Count", "string", "The number of times this event has occurred.", Priority: 1),
        new("Name", "string", TableColumn.NameDescription, Priority: 1, Format: "name"),
    ], Cells);

    private static JsonNode?[] Cells(JsonObject ev, DateTimeOffset now)
    {
        var first = JsonRead.Str(ev, "firstTimestamp") ?? JsonRead.Str(ev, "eventTime");
        var firstSeen = HumanDuration.Since(first, now);
        var lastSeen = JsonRead.Str(ev, "lastTimestamp") is { } last ? HumanDuration.Since(last, now) : firstSeen;
        var count = JsonRead.Int(ev, "count");
        if (JsonRead.At(ev, "series") is { } series)
        {
            lastSeen = HumanDuration.Since(JsonRead.Str(series, "lastObservedTime"), now);
            count = JsonRead.Int(series, "count");
        }
        else if (count == 0)
        {
            count = 1; // singleton events of the events.k8s.io API carry no count
        }

        var kind = (JsonRead.Str(ev, "involvedObject", "kind") ?? "").ToLowerInvariant();
        var name = JsonRead.Str(ev, "involvedObject", "name");
        return
        [
            lastSeen,
            JsonRead.Str(ev, "type") ?? "",
            JsonRead.Str(ev, "reason") ?? "",
            string.IsNullOrEmpty(name) ? kind : $"{kind}/{name}",
            JsonRead.Str(ev, "involvedObject", "fieldPath") ?? "",
            Source(ev),
            (JsonRead.Str(ev, "message") ?? "").Trim(),
            firstSeen,
            count,
            JsonRead.Str(ev, "metadata", "name"),
        ];
    }

    private static string Source(JsonObject ev)
    {
        var component = JsonRead.Str(ev, "source", "component") ?? JsonRead.Str(ev, "reportingComponent") ?? "";
        var host = JsonRead.Str(ev, "source", "host") ?? JsonRead.Str(ev, "reportingInstance") ?? "";
        return host.Length == 0 ? component : $"{component}, {host}";
    }
}
