namespace LlmOperator.LocalCluster.Faults;

/// <summary>
/// Faults for the API requests one rule matches. Rates are probabilities in [0, 1] drawn per request
/// (per event for <see cref="WatchCutRate"/>); a request gets at most one error, checked in the order
/// 429, 409, 500. Latency is added before any error.
/// </summary>
/// <param name="Verbs">Kubernetes verbs (get, list, watch, create, update, patch, delete, deletecollection); empty = all.</param>
/// <param name="Resources">Resources as in RBAC ("pods", "deployments/status", "modeldeployments"); empty = all.</param>
public sealed record FaultRule(IReadOnlyList<string> Verbs, IReadOnlyList<string> Resources)
{
    /// <summary>Share of requests answered 409 Conflict (an optimistic-concurrency loss).</summary>
    public double ConflictRate { get; init; }

    /// <summary>Share of requests answered 500 InternalError.</summary>
    public double ServerErrorRate { get; init; }

    /// <summary>Share of requests answered 429 TooManyRequests with a Retry-After header.</summary>
    public double TooManyRequestsRate { get; init; }

    /// <summary>The Retry-After seconds sent with 429s.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Delay added before the request is handled.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>For watches: chance, after each event sent, that the stream is ended there.</summary>
    public double WatchCutRate { get; init; }

    public bool Matches(string verb, string resource) =>
        (Verbs.Count == 0 || Verbs.Contains(verb)) && (Resources.Count == 0 || Resources.Contains(resource));

    /// <summary>Throws when a rate is outside [0, 1] or the latency is negative, naming the field.</summary>
    public FaultRule Validated()
    {
        foreach (var (name, rate) in new[] { (nameof(ConflictRate), ConflictRate), (nameof(ServerErrorRate), ServerErrorRate), (nameof(TooManyRequestsRate), TooManyRequestsRate), (nameof(WatchCutRate), WatchCutRate) })
        {
            if (rate is < 0 or > 1 || double.IsNaN(rate))
            {
                throw new ArgumentOutOfRangeException(name, rate, $"FaultRule.{name} must be a probability between 0 and 1");
            }
        }

        if (Latency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Latency), Latency, "FaultRule.Latency must not be negative");
        if (RetryAfterSeconds < 0) throw new ArgumentOutOfRangeException(nameof(RetryAfterSeconds), RetryAfterSeconds, "FaultRule.RetryAfterSeconds must not be negative");
        return this;
    }
}
