using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// WATCH: a chunked stream of newline-delimited <c>{"type":...,"object":...}</c> events, flushed one by
/// one. resourceVersion unset or "0" starts with a synthetic ADDED per current object; a version
/// replays every later change from the store's history, and one older than the history is answered
/// with an ERROR event carrying 410 Expired (as kube-apiserver's watch cache does), after which
/// clients re-list. Selectors apply to events too: an object that stops matching is sent as DELETED.
/// </summary>
public sealed class WatchHandler(ApiServices services, CancellationToken serverStopping)
{
    private static readonly byte[] EventEnd = "}\n"u8.ToArray();

    public async Task WatchAsync(ApiCall call)
    {
        var filter = ObjectFilter.Parse(call.Query("labelSelector"), call.Query("fieldSelector"), call.Type);
        var shape = OutputShape.From(call.Context.Request.Headers.Accept, call.Query("includeObject"));
        var timeout = call.QueryNumber("timeoutSeconds");
        var (initial, watch, gone) = Open(call);

        var response = call.Context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache, private";
        // Send the headers now: clients (client-go's reflector in kubectl wait) block until they arrive.
        await response.StartAsync(call.Aborted);
        await response.Body.FlushAsync(call.Aborted);
        if (gone is not null)
        {
            await WriteAsync(call, "ERROR", ApiResponses.Serialize(gone.ToStatus()), call.Aborted);
            return;
        }

        using (watch)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(call.Aborted, serverStopping, services.Faults.WatchCutToken))
        {
            if (timeout is > 0) stop.CancelAfter(TimeSpan.FromSeconds(timeout.Value));
            var bookmarks = call.QueryFlag("allowWatchBookmarks") ? SendBookmarksAsync(watch!, stop.Token) : Task.CompletedTask;
            try
            {
                await StreamAsync(call, shape, filter, initial, watch!, stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The client hung up, the timeout passed, the server is stopping or a fault cut the stream.
            }
            finally
            {
                await stop.CancelAsync();
                await bookmarks;
            }
        }
    }

    private (IReadOnlyList<JsonObject> Initial, ObjectWatch? Watch, ApiError? Gone) Open(ApiCall call)
    {
        var requested = call.Query("resourceVersion");
        if (string.IsNullOrEmpty(requested) || requested == "0")
        {
            var (items, watch) = services.Store.ListAndWatch(call.Type, call.Path.Namespace);
            return (items, watch, null);
        }

        if (!long.TryParse(requested, out var version) || version < 0)
        {
            throw ApiError.BadRequest($"invalid resourceVersion \"{requested}\": must be a non-negative integer");
        }

        try
        {
            return ([], services.Store.Watch(call.Type, call.Path.Namespace, version), null);
        }
        catch (ApiError e) when (e.Code == 410)
        {
            return ([], null, e);
        }
    }

    private async Task StreamAsync(ApiCall call, OutputShape shape, ObjectFilter filter,
        IReadOnlyList<JsonObject> initial, ObjectWatch watch, CancellationToken stop)
    {
        foreach (var obj in initial.Where(filter.Matches))
        {
            await WriteAsync(call, "ADDED", ApiResponses.Serialize(shape.Single(call.Type, obj)), stop);
        }

        await foreach (var change in watch.Events.ReadAllAsync(stop))
        {
            if (Translate(call.Type, change, filter) is not var (type, obj)) continue;
            var body = type == "BOOKMARK" ? obj : shape.Single(call.Type, obj);
            await WriteAsync(call, type, ApiResponses.Serialize(body), stop);
            if (services.Faults.ShouldCutWatch(call.Path.Resource)) return;
        }
    }

    /// <summary>The event a selector-filtered watcher sees for one change, or null when it sees none.</summary>
    private static (string Type, JsonObject Object)? Translate(ResourceType type, WatchEvent change, ObjectFilter filter)
    {
        switch (change.Type)
        {
            case WatchEventType.Bookmark:
                return ("BOOKMARK", new JsonObject
                {
                    ["kind"] = type.Kind,
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = change.ResourceVersion.ToString() },
                });
            case WatchEventType.Added or WatchEventType.Deleted:
                return filter.Matches(change.Object) ? (change.WireType, change.Object) : null;
        }

        var now = filter.Matches(change.Object);
        var before = change.Previous is null ? now : filter.Matches(change.Previous);
        if (now) return (before ? "MODIFIED" : "ADDED", change.Object);
        if (!before) return null;

        // Left the selection: DELETED with the last state it matched in, at the change's version.
        var last = (JsonObject)change.Previous!.DeepClone();
        last["metadata"]!["resourceVersion"] = change.ResourceVersion.ToString();
        return ("DELETED", last);
    }

    private async Task SendBookmarksAsync(ObjectWatch watch, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(services.Options.BookmarkInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) services.Store.Bookmark(watch);
        }
        catch (OperationCanceledException)
        {
            // The watch ended.
        }
    }

    /// <summary>One event as one write and one flush, so each reaches the client as it happens.</summary>
    private static async Task WriteAsync(ApiCall call, string type, byte[] obj, CancellationToken stop)
    {
        byte[] frame = [.. Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"object\":"), .. obj, .. EventEnd];
        var body = call.Context.Response.Body;
        await body.WriteAsync(frame, stop);
        await body.FlushAsync(stop);
    }
}
