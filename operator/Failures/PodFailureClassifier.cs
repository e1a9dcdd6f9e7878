using LlmOperator.Rules.Contract;

namespace LlmOperator.Operator.Failures;

/// <summary>
/// Sorts a container's failure into a <see cref="PodFailureClass"/>. Pure: the caller reads the container status and
/// the previous log. The order follows how trustworthy each signal is: our engine's own termination message, then
/// GPU failure lines anywhere in the termination message or the previous log (vLLM can exit 0 after its engine died,
/// and the root cause often lies before the last 80 lines), then our engine's exit code, then the Kubernetes reason
/// (137 is OOMKilled only when the reason says so: that is host memory, not the GPU), then restarts.
/// </summary>
public static class PodFailureClassifier
{
    /// <summary>Restarts after which a container without a recognised cause counts as crash-looping.</summary>
    public const int CrashLoopRestarts = 3;

    public static FailureVerdict? Classify(ContainerObservation container)
    {
        return FromEngineMessage(container)
            ?? FromText(container.TerminationMessage, "termination message")
            ?? FromText(container.PreviousLog, "previous log")
            ?? FromExitCode(container)
            ?? FromRestarts(container);
    }

    /// <summary>A Running container that has not become Ready within its deadline.</summary>
    public static FailureVerdict? ClassifyNotReady(TimeSpan notReadyFor, TimeSpan deadline) =>
        notReadyFor < deadline ? null : new FailureVerdict(PodFailureClass.ReadinessTimeout,
            $"not Ready after {notReadyFor.TotalSeconds:0}s (deadline {deadline.TotalSeconds:0}s)", "readiness");

    private static FailureVerdict? FromEngineMessage(ContainerObservation container)
    {
        if (TerminationMessage.TryParse(container.TerminationMessage) is not { } message) return null;
        var failureClass = Enum.TryParse<FailureClass>(message.Reason, out var parsed) ? parsed : (FailureClass?)null;
        return new FailureVerdict(ToPodClass(failureClass), $"{message.Reason}: {message.Message}", "termination message");
    }

    private static FailureVerdict? FromText(string? text, string source) =>
        CudaFailureText.Match(text) is { } match && ToPodClass(match.Class) != PodFailureClass.Other
            ? new FailureVerdict(ToPodClass(match.Class), match.Line, source)
            : null;

    private static FailureVerdict? FromExitCode(ContainerObservation container)
    {
        if (container.ExitCode is not { } code) return null;
        if (container.RunsOurEngine && Enum.IsDefined(typeof(FailureClass), code) && code >= (int)FailureClass.GpuAssertion)
            return new FailureVerdict(ToPodClass((FailureClass)code), $"engine exit code {code} ({(FailureClass)code})", "exit code");
        if (container.TerminatedReason == "OOMKilled")
            return new FailureVerdict(PodFailureClass.Other, $"OOMKilled (exit code {code}): the container's host memory limit, not GPU memory", "exit code");
        return null;
    }

    private static FailureVerdict? FromRestarts(ContainerObservation container)
    {
        bool looping = container.WaitingReason == "CrashLoopBackOff" || container.RestartCount >= CrashLoopRestarts;
        if (looping)
            return new FailureVerdict(PodFailureClass.CrashLoop,
                $"{container.RestartCount} restarts, last exit code {container.ExitCode?.ToString() ?? "unknown"}" +
                (container.TerminatedReason is { } reason ? $" ({reason})" : ""), "restarts");
        return container.ExitCode is { } code && code != 0
            ? new FailureVerdict(PodFailureClass.Other, $"exit code {code}" + (container.TerminatedReason is { } r ? $" ({r})" : ""), "exit code")
            : null;
    }

    private static PodFailureClass ToPodClass(FailureClass? failureClass) => failureClass switch
    {
        FailureClass.GpuAssertion => PodFailureClass.GpuAssertion,
        FailureClass.GpuOutOfMemory => PodFailureClass.GpuOutOfMemory,
        FailureClass.GpuHardware => PodFailureClass.GpuHardware,
        _ => PodFailureClass.Other,
    };
}
