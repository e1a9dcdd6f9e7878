namespace LlmOperator.Engine.Chaos;

/// <summary>
/// Counts <c>/v1/*</c> requests and picks the Nth to fail. A generation request carries the failure into the engine
/// step that runs it (where a kernel error in a forward pass would arise); any other request raises it in place.
/// Either way it travels the one failure path.
/// </summary>
public sealed class ChaosTrigger(ChaosOptions options)
{
    private int _requests;

    /// <summary>The failure this request must raise, or null.</summary>
    public ChaosKind? OnApiRequest()
    {
        if (options.Kind is not { } kind || options.FailingRequest is not { } failing) return null;
        return Interlocked.Increment(ref _requests) == failing ? kind : null;
    }
}
