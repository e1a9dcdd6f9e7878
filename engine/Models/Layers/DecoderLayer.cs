using LlmOperator.Engine.Parallelism;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// One pre-norm block: <c>h = x + attn(norm₁(x)); out = h + ffn(norm₂(h))</c>, the FFN being MoE on Llama 4's MoE
/// layers and a dense SwiGLU MLP otherwise (Llama 4 sub-module <c>feed_forward</c>, Llama <c>mlp</c>). Each of attention
/// and FFN runs on every tensor-parallel rank and is all-reduced.
/// </summary>
internal sealed class DecoderLayer : IDisposable
{
    private readonly RmsNorm _inputLayernorm, _postAttentionLayernorm;
    private readonly Attention _selfAttn;
    private readonly SwiGluMlp? _mlp;
    private readonly MixtureOfExperts? _moe;
    private readonly TensorParallelGroup _group;

    public DecoderLayer(ShardedWeights weights, ModelConfig config, int layer, RotaryEmbedding rope)
    {
        string prefix = $"model.layers.{layer}";
        int hidden = config.HiddenSize;
        _group = weights.Group;
        _inputLayernorm = new RmsNorm(weights.Primary($"{prefix}.input_layernorm.weight", hidden), config.RmsNormEps);
        _postAttentionLayernorm = new RmsNorm(weights.Primary($"{prefix}.post_attention_layernorm.weight", hidden), config.RmsNormEps);
        _selfAttn = new Attention(weights, config, layer, $"{prefix}.self_attn", rope);
        if (config.IsMoeLayer(layer))
            _moe = new MixtureOfExperts(weights, config, $"{prefix}.feed_forward");
        else
            _mlp = new SwiGluMlp(weights, config.Family == Rules.Architecture.ModelFamily.Llama4 ? $"{prefix}.feed_forward" : $"{prefix}.mlp",
                hidden, config.DenseIntermediateSize);
    }

    public bool IsMoe => _moe is not null;

    public bool ChunkedLocal => _selfAttn.ChunkedLocal;

    /// <summary>x: [T, hidden] on the primary device → [T, hidden].</summary>
    public Tensor Forward(Tensor x, ForwardContext context)
    {
        using var scope = NewDisposeScope();
        var normed = _inputLayernorm.Forward(x);
        var h = x + _group.AllReduce(OnEveryRank(normed, (rank, input) => _selfAttn.Forward(rank, input, context)));
        normed = _postAttentionLayernorm.Forward(h);
        Tensor ffn;
        if (_moe is not null)
        {
            var routes = _moe.Route(normed);
            ffn = _group.AllReduce(OnEveryRank(normed, (rank, input) => _moe.Forward(rank, input, routes)));
        }
        else
        {
            ffn = _group.AllReduce(OnEveryRank(normed, _mlp!.Forward));
        }
        return (h + ffn).MoveToOuterDisposeScope();
    }

    /// <summary>Runs <paramref name="shard"/> for every rank on that rank's copy of <paramref name="x"/>.</summary>
    private Tensor[] OnEveryRank(Tensor x, Func<int, Tensor, Tensor> shard) =>
        Enumerable.Range(0, _group.Size).Select(rank => shard(rank, x.to(_group.DeviceOf(rank)))).ToArray();

    public void Dispose()
    {
        _inputLayernorm.Dispose();
        _postAttentionLayernorm.Dispose();
        _selfAttn.Dispose();
        _mlp?.Dispose();
        _moe?.Dispose();
    }
}
