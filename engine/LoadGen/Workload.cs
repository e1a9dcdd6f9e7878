namespace LlmOperator.Engine.LoadGen;

/// <summary>
/// What both sides share besides the workload: CPU threads, and tokens per step — the engine's
/// <c>--max-num-batched-tokens</c> and llama.cpp's <c>n_batch</c>, so neither runs bigger steps than the other.
/// </summary>
public sealed record LoadSides(int Threads, int BatchTokens);

/// <summary>One request of a load run: prompt token ids and how many tokens to generate (EOS ignored).</summary>
public sealed record LoadRequest(int[] Prompt, int OutputTokens);

/// <summary>
/// The workload both engines get: per concurrency level a fixed list of requests, prompt lengths uniform in
/// [P/2, 3P/2] with random ids, every request generating exactly G tokens. Seeded, so both sides see the same list.
/// </summary>
public sealed record Workload(int PromptTokens, int OutputTokens, int Seed)
{
    /// <summary>Requests per level: enough for every client to run about two requests, and at least 4.</summary>
    public static int RequestsFor(int concurrency) => Math.Max(4, 2 * concurrency);

    public IReadOnlyList<LoadRequest> Requests(int concurrency, int vocab)
    {
        var random = new Random(Seed + concurrency);
        return Enumerable.Range(0, RequestsFor(concurrency))
            .Select(_ => new LoadRequest(
                Enumerable.Range(0, random.Next(Math.Max(1, PromptTokens / 2), PromptTokens * 3 / 2 + 1)).Select(_ => random.Next(3, vocab)).ToArray(),
                OutputTokens))
            .ToList();
    }

    /// <summary>The longest sequence the workload makes (prompt + output).</summary>
    public int MaxSequence => PromptTokens * 3 / 2 + OutputTokens;
}

/// <summary>
/// What a client saw of one request, in seconds from the level's start: sent, first token, each later token, done.
/// </summary>
public sealed record RequestTiming(double Sent, double FirstToken, double[] LaterTokens, double Done, int OutputTokens)
{
    public double TimeToFirstToken => FirstToken - Sent;

    public IEnumerable<double> InterTokenLatencies =>
        LaterTokens.Select((t, i) => t - (i == 0 ? FirstToken : LaterTokens[i - 1]));
}

/// <summary>One engine at one concurrency: every request's timing and the level's wall time.</summary>
public sealed record LevelResult(int Concurrency, double WallSeconds, IReadOnlyList<RequestTiming> Requests)
{
    public double RequestsPerSecond => Requests.Count / WallSeconds;

    public double OutputTokensPerSecond => Requests.Sum(r => r.OutputTokens) / WallSeconds;

    public double TtftP50 => Percentile(Requests.Select(r => r.TimeToFirstToken), 0.50);

    public double TtftP99 => Percentile(Requests.Select(r => r.TimeToFirstToken), 0.99);

    public double ItlP50 => Percentile(Requests.SelectMany(r => r.InterTokenLatencies), 0.50);

    public double ItlP99 => Percentile(Requests.SelectMany(r => r.InterTokenLatencies), 0.99);

    /// <summary>Nearest-rank percentile (no interpolation), NaN for no samples.</summary>
    public static double Percentile(IEnumerable<double> samples, double q)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
