namespace LlmOperator.Operator.Runtime;

/// <summary>What only the leader runs (watchers and workers), for as long as the token is not cancelled.</summary>
public interface ILeaderWork
{
    Task RunAsync(CancellationToken cancellationToken);
}
