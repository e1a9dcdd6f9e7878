using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.Status;

namespace LlmOperator.Operator.Tests.Reconciliation;

public sealed class ConditionsTests
{
    private static readonly DateTime T0 = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Set_Should_KeepTransitionTime_When_StatusIsUnchanged()
    {
        var first = Conditions.Set(null, ConditionTypes.Ready, false, "Progressing", "0/2 ready", 1, T0);
        var second = Conditions.Set(first, ConditionTypes.Ready, false, "Progressing", "1/2 ready", 1, T0.AddMinutes(1));
        var third = Conditions.Set(second, ConditionTypes.Ready, true, "Available", "2/2 ready", 1, T0.AddMinutes(2));

        Assert.Equal(T0, second.Single().LastTransitionTime);
        Assert.Equal("1/2 ready", second.Single().Message);
        Assert.Equal(T0.AddMinutes(2), third.Single().LastTransitionTime);
    }

    [Fact]
    public void Set_Should_OrderReadyFirst_When_SeveralConditionsExist()
    {
        var conditions = Conditions.Set(null, ConditionTypes.Valid, true, "Valid", "", 3, T0);
        conditions = Conditions.Set(conditions, ConditionTypes.Stalled, false, "Progressing", "", 3, T0);
        conditions = Conditions.Set(conditions, ConditionTypes.Ready, true, "Available", "", 3, T0);

        Assert.Equal([ConditionTypes.Ready, ConditionTypes.Stalled, ConditionTypes.Valid], conditions.Select(c => c.Type));
        Assert.All(conditions, c => Assert.Equal(3, c.ObservedGeneration));
        Assert.True(Conditions.IsTrue(conditions, ConditionTypes.Ready));
    }
}
