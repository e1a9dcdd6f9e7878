using LlmOperator.Engine.Attention;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>A random step: chunk size C, block size B (C % B == 0), max_model_len, and the scheduled sequences.</summary>
internal sealed record StepCase(int ChunkSize, int BlockSize, int MaxModelLen, SequenceSlice[] Sequences, int NumBlocks)
{
    public override string ToString() =>
        $"C={ChunkSize} B={BlockSize} maxModelLen={MaxModelLen} seqs=[{string.Join(", ", Sequences.Select(s => $"{s.ComputedTokens}+{s.NewTokens}/{s.BlockTable.Count}"))}]";
}

/// <summary>
/// Generates steps covering the cases that broke vLLM: max_model_len below, equal to and above C and not a
/// multiple of it, mid-chunk resumes, multi-chunk spans, fresh prefills and decodes in one batch, and block
/// tables both exactly as long as needed and as wide as max_model_len (vLLM's row width).
/// </summary>
internal static class RandomSteps
{
    private static readonly int[] ChunkSizes = [4, 8, 16, 32];

    public static StepCase Next(Random rng, int maxSequences = 8)
    {
        var chunk = ChunkSizes[rng.Next(ChunkSizes.Length)];
        var divisors = Enumerable.Range(1, chunk).Where(b => chunk % b == 0).ToArray();
        var block = divisors[rng.Next(divisors.Length)];
        var maxModelLen = rng.Next(3) switch
        {
            0 => rng.Next(1, chunk),                                  // below C
            1 => chunk,                                               // equal to C
            _ => chunk * rng.Next(1, 5) + rng.Next(1, chunk),         // above C, not a multiple of it
        };
        var count = rng.Next(1, maxSequences + 1);
        var lengths = new (int Computed, int New, int Width)[count];
        for (var i = 0; i < count; i++)
        {
            var total = rng.Next(1, maxModelLen + 1);
            var computed = rng.Next(4) switch { 0 => 0, 1 => total - 1, _ => rng.Next(0, total) };  // prefill, decode, chunked
            var tight = (total + block - 1) / block;
            var width = rng.Next(2) == 0 ? tight : Math.Max(tight, (maxModelLen + block - 1) / block);
            lengths[i] = (computed, total - computed, width);
        }
        // Distinct block ids, mostly shuffled so tables are not runs of the cache; in order a quarter of the
        // time, so a lone sequence's keys are consecutive slots and attention reads them in place.
        var ids = Enumerable.Range(0, lengths.Sum(l => l.Width) + rng.Next(0, 4)).ToArray();
        if (rng.Next(4) != 0)
            ids = ids.OrderBy(_ => rng.Next()).ToArray();
        var next = 0;
        var sequences = lengths.Select(l => new SequenceSlice(l.Computed, l.New, ids.Skip((next += l.Width) - l.Width).Take(l.Width).ToArray())).ToArray();
        return new StepCase(chunk, block, maxModelLen, sequences, ids.Length);
    }
}
