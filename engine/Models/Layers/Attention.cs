using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// Grouped-query self-attention of one decoder layer (HF <c>Llama4TextAttention</c> / <c>LlamaAttention</c>), sharded
/// by heads over the tensor-parallel ranks: rank r holds rows of q/k/v_proj for its heads and the matching columns of
/// o_proj, so the ranks' outputs sum (all-reduce) to the full layer's output. Per layer, in HF's order:
/// project → RoPE (RoPE layers) → QK-norm (RoPE layers, if use_qk_norm) → temperature on q (NoPE layers) → attend.
/// </summary>
internal sealed class Attention : IDisposable
{
    private readonly Tensor[] _qProj, _kProj, _vProj, _oProj;   // per rank
    private readonly HeadLayout _heads;
    private readonly RotaryEmbedding? _rope;
    private readonly bool _qkNorm, _temperature, _chunkedLocal;
    private readonly int _layer, _headDim;
    private readonly double _eps, _scale;

    public Attention(ShardedWeights weights, ModelConfig config, int layer, string prefix, RotaryEmbedding rope)
    {
        int d = config.HeadDimension, hidden = config.HiddenSize;
        _heads = HeadLayout.For(config.NumAttentionHeads, config.KeyValueHeads, weights.Group.Size);
        _layer = layer;
        _headDim = d;
        _rope = config.UsesRope(layer) ? rope : null;
        _qkNorm = config.UsesQkNorm(layer);
        _temperature = config.UsesTemperatureTuning(layer);
        _chunkedLocal = config.IsChunkedLocal(layer);
        _eps = config.RmsNormEps;
        _scale = 1.0 / Math.Sqrt(d);

        long qRows = (long)_heads.QueryHeadsPerRank * d, kvRows = (long)_heads.KvHeadsPerRank * d;
        _qProj = weights.Split($"{prefix}.q_proj.weight", [(long)config.NumAttentionHeads * d, hidden], 0,
            r => (_heads.FirstQueryHead(r) * (long)d, qRows));
        _kProj = weights.Split($"{prefix}.k_proj.weight", [(long)config.KeyValueHeads * d, hidden], 0,
            r => (_heads.FirstKvHead(r) * (long)d, kvRows));
        _vProj = weights.Split($"{prefix}.v_proj.weight", [(long)config.KeyValueHeads * d, hidden], 0,
            r => (_heads.FirstKvHead(r) * (long)d, kvRows));
        _oProj = weights.Split($"{prefix}.o_proj.weight", [hidden, (long)config.NumAttentionHeads * d], 1,
            r => (_heads.FirstQueryHead(r) * (long)d, qRows));
    }

    public bool ChunkedLocal => _chunkedLocal;

    /// <summary>Rank <paramref name="rank"/>'s share of the output. x: [T, hidden] on the rank's device → [T, hidden].</summary>
    public Tensor Forward(int rank, Tensor x, ForwardContext context)
    {
        using var scope = NewDisposeScope();
        long t = x.shape[0];
        var q = linear(x, _qProj[rank]).view(t, _heads.QueryHeadsPerRank, _headDim);   // [T, Hq·D/N] → [T, Hq_r, D]
        var k = linear(x, _kProj[rank]).view(t, _heads.KvHeadsPerRank, _headDim);      // [T, Hkv_r·D] → [T, Hkv_r, D]
        var v = linear(x, _vProj[rank]).view(t, _heads.KvHeadsPerRank, _headDim);      // [T, Hkv_r·D] → [T, Hkv_r, D]
        if (_rope is not null)
        {
            var cos = context.Cos.to(x.device);
            var sin = context.Sin.to(x.device);
            q = _rope.Apply(q, cos, sin);
            k = _rope.Apply(k, cos, sin);
        }
        if (_qkNorm)
        {
            q = RmsNorm.Normalize(q, _eps);
            k = RmsNorm.Normalize(k, _eps);
        }
        if (_temperature && context.TemperatureScales is { } scales)
            q = (q * scales.to(x.device)).to(q.dtype);                                 // [T, Hq_r, D] * [T, 1, 1]
        var attended = context.Attention.Attend(rank, _layer, q, k, v, _chunkedLocal, _scale); // [T, Hq_r, D]
        var flat = attended.reshape(t, _heads.QueryHeadsPerRank * _headDim);           // [T, Hq_r, D] → [T, Hq_r·D]
        return linear(flat, _oProj[rank]).MoveToOuterDisposeScope();                  // [T, hidden] (partial sum)
    }

    public void Dispose()
    {
        foreach (var t in _qProj.Concat(_kProj).Concat(_vProj).Concat(_oProj))
            t.Dispose();
    }
}
