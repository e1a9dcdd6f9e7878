using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Runtime;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>An in-memory watch source: a fixed first list, then whatever the test sends.</summary>
public sealed class ChannelWatchSource<T>(string name, params T[] initial) : IWatchSource<T> where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Channel<(WatchEventType, T)> _events = Channel.CreateUnbounded<(WatchEventType, T)>();

    public string Name => name;

    public void Send(WatchEventType type, T item) => _events.Writer.TryWrite((type, item));

    public Task<(IReadOnlyList<T> Items, string? ResourceVersion)> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<(IReadOnlyList<T>, string?)>((initial, "1"));

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string? resourceVersion, Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            yield return await _events.Reader.ReadAsync(cancellationToken);
        }
    }
}
