using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Runtime;

/// <summary>
/// Lists one kind, then watches it from the list's resourceVersion, handing every object it sees to a handler
/// (KubeOps' ResourceWatcher, client-go's reflector). A watch the server closes is resumed from the last
/// resourceVersion seen (bookmarks keep it fresh); 410 Gone means that version was compacted away, so it lists
/// again, and objects that vanished in between are reported as deleted. Other errors back off
/// (<see cref="WatchBackoff"/>) and list again.
/// </summary>
public sealed class ResourceWatcher<T>(
    IWatchSource<T> source,
    Action<WatchEventType, T> handler,
    ILogger logger,
    Func<int, TimeSpan>? backoff = null) where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Func<int, TimeSpan> _backoff = backoff ?? WatchBackoff.Exponential;
    private static readonly TimeSpan EmptyWatchPause = TimeSpan.FromMilliseconds(200);
    private readonly Dictionary<string, T> _known = new(StringComparer.Ordinal);

    /// <summary>Lists done so far (the first, then one per 410 or error): for tests and logs.</summary>
    public int Lists { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await ListAsync(cancellationToken).ConfigureAwait(false);
                failures = 0;
                await WatchUntilGoneAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Watch of {Watcher} expired (410 Gone); listing again", source.Name);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            // Whatever failed (API errors, dropped connections, undecodable events), a watcher that stops would leave the
            // operator blind: log, back off, list again.
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                var delay = _backoff(failures);
                logger.LogWarning(e, "Watch of {Watcher} failed ({Failures} in a row); retrying in {Delay}", source.Name, failures, delay);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<string?> ListAsync(CancellationToken cancellationToken)
    {
        var (items, resourceVersion) = await source.ListAsync(cancellationToken).ConfigureAwait(false);
        Lists++;
        var listed = items.ToDictionary(Key, StringComparer.Ordinal);
        foreach (var (key, gone) in _known.Where(k => !listed.ContainsKey(k.Key)).ToList())
        {
            _known.Remove(key);
            handler(WatchEventType.Deleted, gone);
        }
        foreach (var item in items)
        {
            _known[Key(item)] = item;
            handler(WatchEventType.Added, item);
        }
        logger.LogDebug("Listed {Count} {Watcher} at resourceVersion {ResourceVersion}", items.Count, source.Name, resourceVersion);
        return resourceVersion;
    }

    /// <summary>Watches, resuming after each close, until the server says the resourceVersion is gone.</summary>
    private async Task WatchUntilGoneAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Exception? watchError = null;
            bool gone = false, sawEvent = false;
            void OnError(Exception e)
            {
                // The client reports a Status event (the server's way of saying 410 mid-stream) without ending the stream.
                if (IsGone(e)) gone = true;
                else watchError ??= e;
                watch.Cancel();
            }
            try
            {
                await foreach (var (type, item) in source.WatchAsync(resourceVersion, OnError, watch.Token).ConfigureAwait(false))
                {
                    sawEvent = true;
                    resourceVersion = item.Metadata?.ResourceVersion ?? resourceVersion;
                    if (type == WatchEventType.Bookmark) continue;
                    Dispatch(type, item);
                }
            }
            catch (OperationCanceledException) when (watch.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Ended by OnError: handled below.
            }
            catch (HttpOperationException e) when (IsGone(e))
            {
                gone = true;
            }
            if (gone) return;
            if (watchError is not null) throw watchError;
            cancellationToken.ThrowIfCancellationRequested();
            // A server that closes watches at once must not turn this loop into a busy one.
            if (!sawEvent) await Task.Delay(EmptyWatchPause, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Dispatch(WatchEventType type, T item)
    {
        if (type == WatchEventType.Deleted) _known.Remove(Key(item));
        else _known[Key(item)] = item;
        handler(type, item);
    }

    private static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone,
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private static string Key(T item) => $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";
}
