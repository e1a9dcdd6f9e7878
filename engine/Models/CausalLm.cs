using LlmOperator.Engine.Models.Layers;
using LlmOperator.Engine.Parallelism;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Models;

/// <summary>
/// A Llama-family causal language model (HF <c>Llama4ForCausalLM</c> text model, <c>LlamaForCausalLM</c>), top to bottom:
/// embed → decoder layers → final RMSNorm → lm_head (untied unless <c>tie_word_embeddings</c>). Weights are read
/// through a <see cref="TensorLoader"/> under their canonical checkpoint names and sharded over the tensor-parallel
/// ranks as they are read.
/// </summary>
public sealed class CausalLm : IDisposable
{
    private readonly VocabParallel _embedTokens;
    private readonly DecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly VocabParallel _lmHead;
    private readonly RotaryEmbedding _rope;

    public CausalLm(ModelConfig config, TensorLoader load, TensorParallelGroup group, ScalarType dtype)
    {
        Config = config;
        Group = group;
        Heads = HeadLayout.For(config.NumAttentionHeads, config.KeyValueHeads, group.Size);
        var weights = new ShardedWeights(load, group, dtype);
        int hidden = config.HiddenSize, vocab = config.VocabSize;
        if (vocab % group.Size != 0)
            throw new ArgumentException($"tensor-parallel-size {group.Size} does not divide the vocabulary of {vocab} tokens.");
        _rope = RotaryEmbedding.For(config);
        _embedTokens = VocabParallel.Load(weights, "model.embed_tokens.weight", vocab, hidden);
        _layers = Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(weights, config, i, _rope)).ToArray();
        _norm = new RmsNorm(weights.Primary("model.norm.weight", hidden), config.RmsNormEps);
        _lmHead = config.TieWordEmbeddings ? _embedTokens : VocabParallel.Load(weights, "lm_head.weight", vocab, hidden);
    }

    public ModelConfig Config { get; }

    public TensorParallelGroup Group { get; }

    internal HeadLayout Heads { get; }

    /// <summary>KV heads each rank's cache holds (the KV cache is per rank).</summary>
    public int KvHeadsPerRank => Heads.KvHeadsPerRank;

    /// <summary>
    /// One forward over this step's new tokens. inputIds: [T] int64 on the primary device, in the backend's token order.
    /// Returns the final-normed hidden states [T, hidden]; <see cref="Logits"/> turns the rows you need into logits.
    /// </summary>
    public Tensor Forward(Tensor inputIds, IAttentionBackend attention)
    {
        using var scope = NewDisposeScope();
        var positions = attention.Positions;
        var (cos, sin) = _rope.Angles(positions);
        var temperature = Config.AttnTemperatureTuning && Config.Family == Rules.Architecture.ModelFamily.Llama4
            ? TemperatureTuning.Scales(positions, Config.FloorScale, Config.AttnScale)
            : null;
        var context = new ForwardContext(attention, cos, sin, temperature);
        var x = _embedTokens.Embed(inputIds);                                   // [T] → [T, hidden]
        foreach (var layer in _layers)
        {
            var next = layer.Forward(x, context);                               // [T, hidden]
            x.Dispose(); // a long prefill would otherwise hold every layer's output until the step ends
            x = next;
        }
        return _norm.Forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>hidden: [R, hidden] → logits [R, vocab] float32 on the primary device.</summary>
    public Tensor Logits(Tensor hidden) => _lmHead.Project(hidden);

    public void Dispose()
    {
        _embedTokens.Dispose();
        foreach (var layer in _layers)
            layer.Dispose();
        _norm.Dispose();
        if (!ReferenceEquals(_lmHead, _embedTokens)) _lmHead.Dispose();
    }
}
