using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// <c>down(silu(gate(x)) · up(x))</c> (HF <c>LlamaMLP</c>, <c>Llama4TextMLP</c>; also Llama 4's shared expert), sharded
/// over the intermediate dimension: rank r holds rows of gate/up and the matching columns of down, so the ranks'
/// outputs sum to the full MLP's.
/// </summary>
internal sealed class SwiGluMlp : IDisposable
{
    private readonly Tensor[] _gateProj, _upProj, _downProj;   // per rank

    public SwiGluMlp(ShardedWeights weights, string prefix, int hidden, int intermediate)
    {
        _gateProj = weights.SplitEvenly($"{prefix}.gate_proj.weight", [intermediate, hidden], 0);
        _upProj = weights.SplitEvenly($"{prefix}.up_proj.weight", [intermediate, hidden], 0);
        _downProj = weights.SplitEvenly($"{prefix}.down_proj.weight", [hidden, intermediate], 1);
    }

    /// <summary>Rank <paramref name="rank"/>'s share. x: [T, hidden] → [T, hidden] (partial sum).</summary>
    public Tensor Forward(int rank, Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = linear(x, _gateProj[rank]);                      // [T, I/N]
        var up = linear(x, _upProj[rank]);                          // [T, I/N]
        return linear(silu(gate) * up, _downProj[rank]).MoveToOuterDisposeScope(); // [T, I/N] → [T, hidden]
    }

    public void Dispose()
    {
        foreach (var t in _gateProj.Concat(_upProj).Concat(_downProj))
            t.Dispose();
    }
}
