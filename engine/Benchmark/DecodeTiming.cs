namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// One throughput measurement: <paramref name="Sequences"/> sequences prefilled (<paramref name="PrefillTokens"/> in
/// total) and then decoded one token per sequence per step (<paramref name="DecodeTokens"/> in total), wall-clock.
/// Decode tokens/s is the aggregate over all sequences.
/// </summary>
public sealed record DecodeTiming(int Sequences, int PrefillTokens, double PrefillSeconds, int DecodeTokens, double DecodeSeconds)
{
    public double PrefillTokensPerSecond => PrefillTokens / PrefillSeconds;
    public double DecodeTokensPerSecond => DecodeTokens / DecodeSeconds;

    /// <summary>The faster of two runs of the same shape (on a shared machine the slower one measured the neighbours).</summary>
    public DecodeTiming Best(DecodeTiming other) => new(
        Sequences, PrefillTokens, Math.Min(PrefillSeconds, other.PrefillSeconds), DecodeTokens, Math.Min(DecodeSeconds, other.DecodeSeconds));
}
