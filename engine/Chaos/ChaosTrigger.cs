namespace LlmOperator.Engine.Chaos;

/// <summary>
/// Counts <c>/v1/*</c> requests and raises the configured failure in the Nth, inside the request, so it travels
/// the same path a kernel error in a forward pass would.
/// </summary>
public sealed class ChaosTrigger(ChaosOptions options)
{
    private int _requests;

    public void OnApiRequest()
    {
        if (options.Kind is not { } kind || options.FailingRequest is not { } failing) return;
        if (Interlocked.Increment(ref _requests) == failing)
            ChaosFailures.Raise(kind);
    }
}
