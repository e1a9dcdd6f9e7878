using System.Net;
using k8s.LeaderElection;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>The Lease both candidates of a test compete for.</summary>
public sealed class LeaseStore
{
    private readonly Lock _gate = new();
    private LeaderElectionRecord? _record;

    public LeaderElectionRecord? Record { get { lock (_gate) return Copy(_record); } }

    public bool Create(LeaderElectionRecord record)
    {
        lock (_gate)
        {
            if (_record is not null) return false;
            _record = Copy(record);
            return true;
        }
    }

    public void Update(LeaderElectionRecord record)
    {
        lock (_gate) _record = Copy(record);
    }

    private static LeaderElectionRecord? Copy(LeaderElectionRecord? r) => r is null ? null : new LeaderElectionRecord
    {
        HolderIdentity = r.HolderIdentity, LeaseDurationSeconds = r.LeaseDurationSeconds, AcquireTime = r.AcquireTime,
        RenewTime = r.RenewTime, LeaderTransitions = r.LeaderTransitions,
    };
}

/// <summary>
/// An <see cref="ILock"/> over a shared <see cref="LeaseStore"/>, as client-go's tests fake it. <see cref="Partitioned"/>
/// makes it answer like an unreachable API server (500), so its holder cannot renew.
/// </summary>
public sealed class FakeLock(LeaseStore store, string identity) : ILock
{
    public string Identity => identity;

    public volatile bool Partitioned;

    public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Partitioned) throw ApiErrors.Http(HttpStatusCode.InternalServerError);
        return store.Record is { } record ? Task.FromResult(record) : throw ApiErrors.Http(HttpStatusCode.NotFound);
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(!Partitioned && store.Create(record));

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default)
    {
        if (Partitioned) return Task.FromResult(false);
        store.Update(record);
        return Task.FromResult(true);
    }

    public string Describe() => $"fake-lease/{identity}";
}
