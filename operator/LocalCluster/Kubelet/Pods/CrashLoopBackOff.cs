namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// The kubelet's restart back-off per container (client-go flowcontrol.Backoff as the kubelet uses it): the first
/// restart is immediate, then each waits twice as long as the one before, starting at <paramref name="initial"/>
/// (10 s in Kubernetes) and capped at <paramref name="max"/> (5 min). A container that ran longer than
/// <paramref name="resetAfter"/> (twice the cap in Kubernetes) starts over.
/// </summary>
internal sealed class CrashLoopBackOff(TimeSpan initial, TimeSpan max, TimeSpan resetAfter)
{
    private int _restarts;

    /// <summary>How long to wait before the next restart.</summary>
    /// <param name="ranFor">How long the instance that just ended ran.</param>
    public TimeSpan Next(TimeSpan ranFor)
    {
        if (ranFor > resetAfter) _restarts = 0;
        var delay = _restarts == 0
            ? TimeSpan.Zero
            : TimeSpan.FromTicks(Math.Min(max.Ticks, initial.Ticks * (1L << Math.Min(_restarts - 1, 30))));
        _restarts++;
        return delay;
    }
}
