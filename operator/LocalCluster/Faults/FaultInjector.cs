using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Faults;

/// <summary>
/// Fault injection for reliability tests of clients (the operator): per verb and resource, a rate of
/// 409s, 500s and 429s with Retry-After, added latency, and watch streams cut mid-way. Draws come from
/// one seeded generator, so a test with a fixed seed and a fixed request order sees the same faults.
/// Off until <see cref="Enabled"/> is set; rules can be changed while the server runs.
/// </summary>
public sealed class FaultInjector(int seed = 0)
{
    private readonly object _gate = new();
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, int> _counts = new();
    private IReadOnlyList<FaultRule> _rules = [];
    private CancellationTokenSource _watchCut = new();

    public bool Enabled { get; set; }

    public IReadOnlyList<FaultRule> Rules
    {
        get { lock (_gate) return _rules; }
        set
        {
            var validated = value.Select(r => r.Validated()).ToList();
            lock (_gate) _rules = validated;
        }
    }

    /// <summary>Faults injected so far, by kind ("409", "500", "429", "latency", "watch-cut"): what a test asserts on.</summary>
    public IReadOnlyDictionary<string, int> Counts
    {
        get { lock (_gate) return new Dictionary<string, int>(_counts); }
    }

    /// <summary>
    /// Called before a request is handled: waits the added latency, then throws the drawn error
    /// (as an <see cref="ApiError"/> the server answers with a Status), or returns to go on.
    /// </summary>
    public async Task BeforeRequestAsync(string verb, string resource, CancellationToken cancellationToken)
    {
        if (!Enabled) return;
        var rules = Rules.Where(r => r.Matches(verb, resource)).ToList();
        var latency = rules.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Latency);
        if (latency > TimeSpan.Zero)
        {
            Count("latency");
            await Task.Delay(latency, cancellationToken);
        }

        foreach (var rule in rules)
        {
            if (Draw(rule.TooManyRequestsRate))
            {
                Count("429");
                throw ApiError.TooManyRequests($"injected fault: too many requests for {verb} {resource}, retry after {rule.RetryAfterSeconds}s", rule.RetryAfterSeconds);
            }

            if (Draw(rule.ConflictRate))
            {
                Count("409");
                throw new ApiError(409, "Conflict", $"Operation cannot be fulfilled on {resource}: injected fault: the object has been modified; please apply your changes to the latest version and try again");
            }

            if (Draw(rule.ServerErrorRate))
            {
                Count("500");
                throw ApiError.Internal($"injected fault: internal error on {verb} {resource}");
            }
        }
    }

    /// <summary>After each watch event sent: true when the stream should end here.</summary>
    public bool ShouldCutWatch(string resource)
    {
        if (!Enabled) return false;
        foreach (var rule in Rules.Where(r => r.Matches("watch", resource)))
        {
            if (Draw(rule.WatchCutRate))
            {
                Count("watch-cut");
                return true;
            }
        }

        return false;
    }

    /// <summary>Fires when <see cref="CutWatches"/> is called: open watch streams end on it.</summary>
    public CancellationToken WatchCutToken
    {
        get { lock (_gate) return _watchCut.Token; }
    }

    /// <summary>Ends every open watch stream now (works whether or not <see cref="Enabled"/> is set).</summary>
    public void CutWatches()
    {
        CancellationTokenSource cut;
        lock (_gate)
        {
            cut = _watchCut;
            _watchCut = new CancellationTokenSource();
            _counts["watch-cut"] = _counts.GetValueOrDefault("watch-cut") + 1;
        }

        // Not disposed: a watch may be linking to its token right now; an undisposed source is harmless.
        cut.Cancel();
    }

    private bool Draw(double rate)
    {
        if (rate <= 0) return false;
        lock (_gate) return _random.NextDouble() < rate;
    }

    private void Count(string kind)
    {
        lock (_gate) _counts[kind] = _counts.GetValueOrDefault(kind) + 1;
    }
}
