namespace LlmOperator.Operator.Runtime;

/// <summary>The unit of work: bring what runs in line with one resource, and say when to come back.</summary>
public interface IReconciler<in TEntity>
{
    Task<ReconcileResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);
}
