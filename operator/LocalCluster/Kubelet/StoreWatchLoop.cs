using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>
/// The informer loop of the in-process components (kubelet, scheduler, service proxy): list, then watch from
/// the list's resourceVersion; when the store ends the watch (fault injection cuts streams) list again.
/// Every list is handed over whole so the component can drop what vanished while it was not watching.
/// </summary>
internal static class StoreWatchLoop
{
    /// <param name="component">Named in the error line when a handler throws (the loop goes on with the next event).</param>
    public static async Task RunAsync(
        ObjectStore store,
        ResourceType type,
        Action<IReadOnlyList<JsonObject>> onList,
        Action<WatchEvent> onEvent,
        string component,
        CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var (items, watch) = store.ListAndWatch(type, ns: null);
            using (watch)
            {
                Guard(component, () => onList(items));
                try
                {
                    await foreach (var change in watch.Events.ReadAllAsync(cancellationToken))
                    {
                        if (change.Type != WatchEventType.Bookmark) Guard(component, () => onEvent(change));
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// An integer field however it was stored: JsonNode's explicit casts fail across numeric types (a value stored as
    /// int cannot be read as long), and objects from HTTP clients hold JsonElements instead.
    /// </summary>
    public static long? Integer(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var parsed) ? parsed
        : null
        : null;

    /// <summary>One bad object must not stop the component's watch: the error is reported and the loop goes on.</summary>
    private static void Guard(string component, Action handler)
    {
        try
        {
            handler();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"localcluster {component}: {e}");
        }
    }

    public static string? Name(JsonObject obj) => (string?)obj["metadata"]?["name"];

    public static string? Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    public static string? Uid(JsonObject obj) => (string?)obj["metadata"]?["uid"];

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;
}
