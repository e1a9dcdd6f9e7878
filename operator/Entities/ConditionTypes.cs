namespace LlmOperator.Operator.Entities;

/// <summary>Condition types of a ModelDeployment: kstatus's three, plus the operator's own.</summary>
public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";
    public const string Valid = "Valid";
    public const string Degraded = "Degraded";
    public const string RolledBack = "RolledBack";
}
