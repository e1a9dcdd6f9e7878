namespace LlmOperator.Operator.Failures;

/// <summary>
/// What the API server shows about one container that ended or keeps restarting: the last termination
/// (exit code, reason, message — Kubernetes keeps at most 4096 bytes, or the last 2048 bytes / 80 lines of the log
/// under FallbackToLogsOnError), its waiting reason, restarts, and the previous instance's log read through the API.
/// </summary>
/// <param name="RunsOurEngine">True when the container runs this project's engine, whose exit codes 10–13 are GPU classes.</param>
public sealed record ContainerObservation(
    int? ExitCode,
    string? TerminatedReason,
    string? TerminationMessage,
    string? PreviousLog,
    int RestartCount,
    string? WaitingReason,
    bool RunsOurEngine);
