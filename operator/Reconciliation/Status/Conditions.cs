using k8s.Models;

namespace LlmOperator.Operator.Reconciliation.Status;

/// <summary>
/// metav1.Condition bookkeeping: set a condition, keeping lastTransitionTime when its status did not change (as
/// apimachinery's meta.SetStatusCondition does), so that a reconcile that changes nothing writes nothing.
/// </summary>
public static class Conditions
{
    public static List<V1Condition> Set(IReadOnlyList<V1Condition>? current, string type, bool status, string reason,
        string message, long? generation, DateTime now)
    {
        var list = current?.Where(c => c.Type != type).ToList() ?? [];
        var previous = current?.FirstOrDefault(c => c.Type == type);
        var statusText = status ? "True" : "False";
        list.Add(new V1Condition
        {
            Type = type,
            Status = statusText,
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = previous is not null && previous.Status == statusText ? previous.LastTransitionTime : now,
        });
        return list.OrderBy(c => Order(c.Type)).ThenBy(c => c.Type, StringComparer.Ordinal).ToList();
    }

    public static V1Condition? Find(IReadOnlyList<V1Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IReadOnlyList<V1Condition>? conditions, string type) => Find(conditions, type)?.Status == "True";

    /// <summary>A fixed order (Ready first, as kubectl describe readers expect) so that the list compares equal across reconciles.</summary>
    private static int Order(string type) => type switch
    {
        Entities.ConditionTypes.Ready => 0,
        Entities.ConditionTypes.Reconciling => 1,
        Entities.ConditionTypes.Stalled => 2,
        Entities.ConditionTypes.Valid => 3,
        Entities.ConditionTypes.Degraded => 4,
        Entities.ConditionTypes.RolledBack => 5,
        _ => 6,
    };
}
