namespace LlmOperator.Operator.Runtime;

/// <summary>
/// KubeOps' watcher back-off: 2^min(n,5) seconds plus up to a second of jitter, so a failing API server sees at
/// most one retry per ~32 s per watcher and many operators do not retry in lockstep.
/// </summary>
public static class WatchBackoff
{
    public static TimeSpan Exponential(int failures) =>
        TimeSpan.FromSeconds(Math.Pow(2, Math.Min(failures, 5))) + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
}
