namespace LlmOperator.Operator.Failures;

/// <summary>
/// Why a pod of a revision failed, as the operator decides it. The first five are what
/// <c>spec.rollout.rollbackOn</c> can name (<see cref="Entities.FailureClassName"/>); Other is everything that
/// is not evidence against the revision's GPU code path (config errors, host OOM kills, NCCL network errors, ...).
/// </summary>
public enum PodFailureClass
{
    GpuAssertion,
    GpuOutOfMemory,
    GpuHardware,
    CrashLoop,
    ReadinessTimeout,
    Other,
}

/// <param name="Class">The verdict.</param>
/// <param name="Evidence">The line or fact it rests on, for Events and status messages.</param>
/// <param name="Source">Where the evidence came from: "termination message", "exit code", "previous log", "restarts", "readiness".</param>
public sealed record FailureVerdict(PodFailureClass Class, string Evidence, string Source);
