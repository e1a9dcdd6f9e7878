namespace LlmOperator.Operator.Runtime;

/// <summary>
/// What one reconcile asks of the queue, with controller-runtime's semantics: an error retries with back-off; a
/// terminal error does not retry; RequeueAfter is honoured only on success. No "Requeue bool".
/// </summary>
public sealed record ReconcileResult
{
    private ReconcileResult(bool succeeded, bool terminal, TimeSpan? requeueAfter, string? error, Exception? exception)
    {
        Succeeded = succeeded;
        Terminal = terminal;
        RequeueAfter = requeueAfter;
        Error = error;
        Exception = exception;
    }

    public bool Succeeded { get; }
    public bool Terminal { get; }
    public TimeSpan? RequeueAfter { get; }
    public string? Error { get; }
    public Exception? Exception { get; }

    public static ReconcileResult Success(TimeSpan? requeueAfter = null) => new(true, false, requeueAfter, null, null);

    public static ReconcileResult Failure(string error, Exception? exception = null) => new(false, false, null, error, exception);

    /// <summary>A failure retrying cannot fix (e.g. an invalid spec): wait for the next change instead.</summary>
    public static ReconcileResult TerminalFailure(string error) => new(false, true, null, error, null);
}
