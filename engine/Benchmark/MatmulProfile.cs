using System.Diagnostics;
using LlmOperator.Engine.Reference.Conversion;
using LlmOperator.Engine.Weights;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// Where a batch-1 decode step's time goes: the weight matmuls alone, timed with the same TorchSharp calls the model
/// makes for one token (<c>linear</c> for every projection, one <c>matmul</c> per routed expert chosen, lm_head
/// included), and nothing else. A decode step's time minus this is the per-op overhead: norms, RoPE, attention over
/// the cache, routing, metadata, and the dispatch cost of every small op.
/// </summary>
public static class MatmulProfile
{
    private const int Passes = 5;

    /// <summary>Seconds for one token's weight matmuls (best of several passes).</summary>
    public static double OneTokenSeconds(Checkpoint checkpoint, GgufModelSpec spec)
    {
        using var scope = NewDisposeScope();
        var weights = checkpoint.TensorNames
            .Where(n => !n.EndsWith("norm.weight", StringComparison.Ordinal) && n != "model.embed_tokens.weight")
            .Select(n => checkpoint.Read(n, checkpoint.Info(n).Shape))
            .ToList();
        if (spec.TieWordEmbeddings)
            weights.Add(checkpoint.Read("model.embed_tokens.weight", [spec.VocabSize, spec.HiddenSize]));
        var inputs = new Dictionary<long, Tensor>();
        Tensor Input(long features) => inputs.TryGetValue(features, out var x) ? x : inputs[features] = randn(1, features);

        double best = double.MaxValue;
        for (int pass = 0; pass < Passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var w in weights)
            {
                using var output = w.dim() == 2
                    ? linear(Input(w.shape[1]), w)                                // [1, in] · [out, in]ᵀ
                    : Experts(w, spec.ExpertsPerToken, Input);                    // top-k experts of [E, in, out]
            }
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static Tensor Experts(Tensor stacked, int topK, Func<long, Tensor> input)
    {
        var sum = zeros(1, stacked.shape[2]);
        for (int e = 0; e < topK; e++)
            sum = sum + matmul(input(stacked.shape[1]), stacked[e]);                 // [1, in] · [in, out]
        return sum;
    }
}
