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
    public static async Task RunAsync(
        ObjectStore store,
        ResourceType type,
        Action<IReadOnlyList<JsonObject>> onList,
        Action<WatchEvent> onEvent,
        CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var (items, watch) = store.ListAndWatch(type, ns: null);
            using (watch)
            {
                onList(items);
                try
                {
                    await foreach (var change in watch.Events.ReadAllAsync(cancellationToken))
                    {
                        if (change.Type != WatchEventType.Bookmark) onEvent(change);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    public static string? Name(JsonObject obj) => (string?)obj["metadata"]?["name"];

    public static string? Namespace(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    public static string? Uid(JsonObject obj) => (string?)obj["metadata"]?["uid"];

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;
}
