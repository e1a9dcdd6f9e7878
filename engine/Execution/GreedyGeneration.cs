using LlmOperator.Engine.Attention;
using LlmOperator.Engine.KvCache;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Execution;

/// <summary>What to generate for one prompt.</summary>
/// <param name="MaxTokensPerStep">The step token budget: the prompt is prefilled in chunks of at most this many tokens.</param>
/// <param name="StopTokenIds">Generation ends after emitting one of these (EOS); empty to always emit MaxTokens.</param>
/// <param name="CollectLogits">Keep the logits of every position (prompt and fed-back tokens).</param>
public sealed record GenerationRequest(
    IReadOnlyList<int> PromptTokenIds,
    int MaxTokens,
    int MaxTokensPerStep,
    IReadOnlySet<int> StopTokenIds,
    bool CollectLogits);

/// <summary>
/// The generated ids and, when collected, logits [rows, vocab] with rows = T + G − 1: row i holds the logits computed at
/// position i, for the T prompt positions, then for each generated token fed back (the last one is never fed back).
/// </summary>
public sealed record GenerationResult(IReadOnlyList<int> TokenIds, float[]? Logits, int LogitRows, int Vocab);

/// <summary>
/// Greedy generation of one sequence through the paged cache: prefill in chunks of the step budget, then one decode
/// step per token, each a plain <see cref="ModelRunner.Run"/> over the sequence's slice.
/// </summary>
public static class GreedyGeneration
{
    public static GenerationResult Run(ModelRunner runner, GenerationRequest request)
    {
        var prompt = request.PromptTokenIds;
        if (prompt.Count == 0) throw new ArgumentException("the prompt has no tokens.");
        if (request.MaxTokens < 1) throw new ArgumentException("max tokens must be at least 1.");
        if (request.MaxTokensPerStep < 1) throw new ArgumentException("the step token budget must be at least 1.");

        var pool = new BlockPool(runner.NumBlocks);
        var table = new BlockTable(runner.BlockSize);
        var rows = new List<float[]>();
        int vocab = runner.Model.Config.VocabSize;
        try
        {
            var selection = request.CollectLogits ? LogitsSelection.AllTokens : LogitsSelection.LastTokenOfEachSequence;
            float[] last = [];
            for (int done = 0; done < prompt.Count;)
            {
                int take = Math.Min(request.MaxTokensPerStep, prompt.Count - done);
                last = Step(runner, pool, table, done, prompt.Skip(done).Take(take).ToArray(), selection, rows);
                done += take;
            }

            var generated = new List<int>();
            while (true)
            {
                int next = ArgMax(last);
                generated.Add(next);
                if (generated.Count == request.MaxTokens || request.StopTokenIds.Contains(next)) break;
                last = Step(runner, pool, table, prompt.Count + generated.Count - 1, [next], selection, rows);
            }
            float[]? logits = request.CollectLogits ? rows.SelectMany(r => r).ToArray() : null;
            return new GenerationResult(generated, logits, logits is null ? 0 : logits.Length / vocab, vocab);
        }
        finally
        {
            table.ReleaseAll(pool);
        }
    }

    /// <summary>Runs one step of <paramref name="ids"/> after <paramref name="computed"/> cached tokens; returns the last row.</summary>
    private static float[] Step(ModelRunner runner, BlockPool pool, BlockTable table, int computed, int[] ids,
        LogitsSelection selection, List<float[]> rows)
    {
        if (!table.EnsureCapacity(computed + ids.Length, pool))
            throw new InvalidOperationException(
                $"the KV cache ({runner.NumBlocks} blocks of {runner.BlockSize}) cannot hold {computed + ids.Length} tokens.");
        var slice = new SequenceSlice(computed, ids.Length, table.Blocks.ToArray());
        using var logits = runner.Run([new StepInput(slice, ids)], selection);            // [rows, vocab] float32, CPU
        long vocab = logits.shape[1];
        var values = logits.data<float>().ToArray();
        if (selection == LogitsSelection.AllTokens) rows.Add(values);
        return values[^(int)vocab..];
    }

    /// <summary>The first index of the largest value (ties: the lowest id, as torch.argmax does on the CPU).</summary>
    private static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
