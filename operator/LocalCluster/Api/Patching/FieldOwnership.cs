using System.Collections.Concurrent;

namespace LlmOperator.LocalCluster.Api.Patching;

/// <summary>
/// Which server-side-apply manager applied which fields of which object (by uid). It stands in for
/// metadata.managedFields, which this server leaves out of objects: kubectl then skips its
/// managedFields migration step (reference P11) while apply still removes fields a manager stops
/// sending and reports conflicts between managers.
/// </summary>
public sealed class FieldOwnership
{
    private readonly ConcurrentDictionary<string, Dictionary<string, HashSet<FieldPath>>> _byObject = new();

    /// <summary>Every manager's fields of one object (a copy).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<FieldPath>> Managers(string uid)
    {
        if (!_byObject.TryGetValue(uid, out var managers)) return new Dictionary<string, IReadOnlySet<FieldPath>>();
        lock (managers)
        {
            return managers.ToDictionary(m => m.Key, m => (IReadOnlySet<FieldPath>)m.Value.ToHashSet());
        }
    }

    /// <summary>Records that <paramref name="manager"/> now applies exactly <paramref name="fields"/>, taking them from the managers in <paramref name="takenFrom"/>.</summary>
    public void Record(string uid, string manager, IEnumerable<FieldPath> fields, IReadOnlyDictionary<string, IReadOnlySet<FieldPath>>? takenFrom = null)
    {
        var managers = _byObject.GetOrAdd(uid, _ => new Dictionary<string, HashSet<FieldPath>>());
        lock (managers)
        {
            managers[manager] = fields.ToHashSet();
            foreach (var (other, taken) in takenFrom ?? new Dictionary<string, IReadOnlySet<FieldPath>>())
            {
                if (managers.TryGetValue(other, out var owned)) owned.ExceptWith(taken);
            }
        }
    }

    /// <summary>Forgets a deleted object.</summary>
    public void Forget(string uid) => _byObject.TryRemove(uid, out _);
}

/// <summary>A field of an object as a list of member names; printed as kube-apiserver prints it in conflicts (".spec.replicas").</summary>
public sealed record FieldPath(IReadOnlyList<string> Steps)
{
    public bool Equals(FieldPath? other) => other is not null && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => Steps.Aggregate(17, (hash, step) => HashCode.Combine(hash, step));

    public override string ToString() => "." + string.Join('.', Steps);
}
