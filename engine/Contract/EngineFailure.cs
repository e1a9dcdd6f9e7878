using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Contract;

/// <summary>The failure that ended the engine: its class (the exit code) and the text it was classified from.</summary>
public sealed record EngineFailure(FailureClass Class, string Message)
{
    public int ExitCode => (int)Class;
}
