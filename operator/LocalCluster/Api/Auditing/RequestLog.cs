using System.Collections.Concurrent;

namespace LlmOperator.LocalCluster.Api.Auditing;

/// <summary>An in-memory <see cref="IRequestRecorder"/>: every request, in arrival order, for a test to read back.</summary>
public sealed class RequestLog : IRequestRecorder
{
    private readonly ConcurrentQueue<RequestAttributes> _requests = new();

    public void Record(RequestAttributes request) => _requests.Enqueue(request);

    /// <summary>The requests so far whose User-Agent starts with <paramref name="userAgentPrefix"/> (all when null).</summary>
    public IReadOnlyList<RequestAttributes> Snapshot(string? userAgentPrefix = null) =>
        [.. _requests.Where(r => userAgentPrefix is null || r.UserAgent.StartsWith(userAgentPrefix, StringComparison.Ordinal))];
}
