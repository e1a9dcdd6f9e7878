using k8s;
using k8s.Models;

namespace LlmOperator.Operator.Runtime;

/// <summary>A list that can be resumed as a watch: what a <see cref="ResourceWatcher{T}"/> needs of one kind.</summary>
public interface IWatchSource<T> where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>What the watcher is called in logs, e.g. "pods".</summary>
    string Name { get; }

    /// <summary>All current objects and the list's resourceVersion, the point to watch from.</summary>
    Task<(IReadOnlyList<T> Items, string? ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Changes after <paramref name="resourceVersion"/>, with bookmarks. A watch-level error (a Status object, e.g.
    /// 410 Gone) is reported to <paramref name="onError"/>; the stream ends when the server closes it.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? resourceVersion, Action<Exception> onError,
        CancellationToken cancellationToken);
}
