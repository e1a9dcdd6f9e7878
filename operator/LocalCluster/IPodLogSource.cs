namespace LlmOperator.LocalCluster;

/// <summary>
/// Where <c>GET .../pods/NAME/log</c> reads from: the kubelet, which captures each container's
/// stdout and stderr. Null when the pod or container has no log (the API answers 400/404).
/// </summary>
public interface IPodLogSource
{
    /// <param name="previous">The previous (terminated) instance of the container, as <c>kubectl logs -p</c>.</param>
    /// <param name="tailLines">Only the last N lines when set.</param>
    string? ReadLog(string ns, string pod, string container, bool previous, int? tailLines);

    /// <summary>Follows the log (<c>-f</c>): everything so far, then new lines until the container stops or the token fires.</summary>
    IAsyncEnumerable<string> FollowLog(string ns, string pod, string container, CancellationToken cancellationToken);
}
