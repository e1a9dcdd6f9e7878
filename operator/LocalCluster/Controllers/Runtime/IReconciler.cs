using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Runtime;

/// <summary>
/// The controller-specific half of a <see cref="ControllerLoop{TKey}"/>: which keys a change touches,
/// every key (start, resync, relist after 410), and the level-based reconcile of one key.
/// </summary>
internal interface IReconciler<TKey> where TKey : notnull
{
    /// <summary>The keys to look at again after one change of any kind (events of other kinds give none).</summary>
    IEnumerable<TKey> KeysFor(WatchEvent change);

    IEnumerable<TKey> AllKeys();

    /// <summary>Reads the current state and converges one key. Throwing retries with back-off (a 409 is retried at once by re-reading).</summary>
    Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken);
}
