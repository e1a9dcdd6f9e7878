namespace LlmOperator.LocalCluster.Controllers.Runtime;

/// <summary>
/// What one reconcile asks of its loop, with controller-runtime's semantics: an exception means
/// "retry with back-off"; otherwise <see cref="RequeueAfter"/>, when set, schedules the next look
/// (a deadline or minReadySeconds that will pass without any watch event).
/// </summary>
internal sealed record ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);

    public static ReconcileResult After(TimeSpan delay) => new(delay);

    /// <summary>The earlier of two requeue requests (null = none).</summary>
    public ReconcileResult Or(ReconcileResult other) =>
        (RequeueAfter, other.RequeueAfter) switch
        {
            (null, _) => other,
            (_, null) => this,
            var (a, b) => a <= b ? this : other,
        };
}
