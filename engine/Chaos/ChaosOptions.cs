namespace LlmOperator.Engine.Chaos;

/// <summary>The CUDA failures the chaos options can inject (flag values in kebab case).</summary>
public enum ChaosKind
{
    DeviceAssert,
    IllegalMemoryAccess,
    OutOfMemory,
    Xid,
}

/// <summary>
/// When to inject a failure: after <see cref="AfterRequests"/> <c>/v1/*</c> requests (the Nth fails) or after
/// <see cref="AfterTime"/>, whichever comes first. A kind with neither trigger fails the first <c>/v1/*</c> request.
/// </summary>
public sealed record ChaosOptions(ChaosKind? Kind, int? AfterRequests, TimeSpan? AfterTime)
{
    public static readonly ChaosOptions None = new(null, null, null);

    /// <summary>The request that fails, or null when only the timer triggers.</summary>
    public int? FailingRequest => Kind is null ? null : AfterRequests ?? (AfterTime is null ? 1 : null);
}
