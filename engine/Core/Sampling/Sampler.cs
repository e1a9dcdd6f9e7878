namespace LlmOperator.Engine.Core.Sampling;

/// <summary>
/// A sampled token and, for logprobs, its log-probability under the model's distribution (raw logits, before
/// temperature, top-k and top-p, as vLLM reports by default) and the most likely alternatives, best first.
/// </summary>
public readonly record struct SampledToken(int TokenId, float Logprob, IReadOnlyList<(int TokenId, float Logprob)> Top);

/// <summary>
/// Picks one token from one row of logits: greedy (arg max, lowest id on ties, as torch.argmax) or temperature →
/// top-k → top-p → a draw from the request's own <see cref="Random"/>. The generator is per request and advances once
/// per sampled token, so a seeded request draws the same tokens whatever else shares its steps, and a preempted
/// request (recomputed, not resampled) continues the same sequence. Runs on the CPU over the copied-out row.
/// </summary>
public static class Sampler
{
    public static SampledToken Sample(ReadOnlySpan<float> logits, SamplingParams p, Random random)
    {
        int token = p.IsGreedy ? ArgMax(logits) : Draw(logits, p, random);
        if (p.Logprobs is not { } top) return new SampledToken(token, 0f, []);
        double logSum = LogSumExp(logits);
        return new SampledToken(token, (float)(logits[token] - logSum), TopLogprobs(logits, top, logSum));
    }

    /// <summary>The <paramref name="count"/> largest log-probabilities, best first (ties: lower id first).</summary>
    public static IReadOnlyList<(int TokenId, float Logprob)> TopLogprobs(ReadOnlySpan<float> logits, int count, double logSum)
    {
        var best = new List<(int TokenId, float Logprob)>(count + 1);
        for (int i = 0; i < logits.Length && count > 0; i++)
        {
            float lp = (float)(logits[i] - logSum);
            if (best.Count == count && lp <= best[^1].Logprob) continue;
            int at = best.Count;
            while (at > 0 && best[at - 1].Logprob < lp) at--;
            best.Insert(at, (i, lp));
            if (best.Count > count) best.RemoveAt(best.Count - 1);
        }
        return best;
    }

    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>log Σ exp(logits), in double with the max subtracted (no overflow): log softmax(x)_i = x_i − this.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static int Draw(ReadOnlySpan<float> logits, SamplingParams p, Random random)
    {
        // Candidates in descending logit order (ties by id, so the order and hence the draw are deterministic).
        var order = new int[logits.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var values = logits.ToArray();
        Array.Sort(order, (a, b) => values[b] != values[a] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        int kept = p.TopK > 0 ? Math.Min(p.TopK, order.Length) : order.Length;

        var probabilities = new double[kept];
        double max = values[order[0]], total = 0;
        for (int i = 0; i < kept; i++)
            total += probabilities[i] = Math.Exp((values[order[i]] - max) / p.Temperature);

        // Top-p: the smallest prefix whose mass reaches p (always at least the most likely token).
        double cumulative = 0;
        int nucleus = kept;
        for (int i = 0; i < kept; i++)
        {
            cumulative += probabilities[i] / total;
            if (cumulative >= p.TopP) { nucleus = i + 1; break; }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) mass += probabilities[i];

        double target = random.NextDouble() * mass;
        for (int i = 0; i < nucleus; i++)
        {
            target -= probabilities[i];
            if (target < 0) return order[i];
        }
        return order[nucleus - 1];
    }
}
