using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace LlmOperator.Engine.Models.Layers;

/// <summary>
/// Llama 4's MoE feed-forward (HF <c>Llama4TextMoe</c>, vLLM <c>apply_router_weight_on_input=True</c>):
/// <list type="number">
/// <item>router logits = x · W_routerᵀ; top-k on the raw logits; score = sigmoid(logit) (no softmax, no renormalising);</item>
/// <item>each selected expert gets its token's input multiplied by the score (before the expert, not after: SwiGLU is
/// not linear), expert(x) = down(silu(x·gate) · (x·up)) with the fused <c>gate_up_proj</c>;</item>
/// <item>output = shared_expert(x) + Σ selected experts' outputs.</item>
/// </list>
/// Tensor parallel: the router is replicated (computed once on the primary device); every expert and the shared expert
/// are sharded over their intermediate dimension, so every rank holds a slice of every expert.
/// </summary>
internal sealed class MixtureOfExperts : IDisposable
{
    private readonly Tensor _router;                  // [E, hidden] on the primary device
    private readonly Tensor[] _gateUpProj;            // per rank [E, hidden, 2·I/N]
    private readonly Tensor[] _downProj;              // per rank [E, I/N, hidden]
    private readonly SwiGluMlp _sharedExpert;
    private readonly int _experts, _topK;

    public MixtureOfExperts(ShardedWeights weights, ModelConfig config, string prefix)
    {
        int hidden = config.HiddenSize, intermediate = config.IntermediateSize;
        _experts = config.NumLocalExperts;
        _topK = config.NumExpertsPerTok;
        _router = weights.Primary($"{prefix}.router.weight", _experts, hidden);
        _gateUpProj = weights.SplitFusedGateUp($"{prefix}.experts.gate_up_proj", _experts, hidden, intermediate);
        _downProj = weights.SplitEvenly($"{prefix}.experts.down_proj", [_experts, intermediate, hidden], 1);
        _sharedExpert = new SwiGluMlp(weights, $"{prefix}.shared_expert", hidden, intermediate);
    }

    /// <summary>The tokens each expert receives and their router-weighted inputs, computed once for all ranks.</summary>
    public IReadOnlyList<ExpertBatch> Route(Tensor x)
    {
        using var scope = NewDisposeScope();
        var logits = linear(x, _router);                                   // [T, E]
        var (topLogits, topExperts) = logits.topk(_topK, dim: 1);          // [T, k], [T, k]
        var scores = topLogits.to(ScalarType.Float32).sigmoid();          // [T, k]
        var batches = new List<ExpertBatch>();
        for (int e = 0; e < _experts; e++)
        {
            var chosen = topExperts.eq(e);                                 // [T, k]; top-k picks an expert at most once per token
            var tokens = chosen.any(1).nonzero().view(-1);                 // [n]
            if (tokens.shape[0] == 0) continue;
            var score = (scores * chosen).sum(1).index_select(0, tokens); // [n]
            var input = (x.index_select(0, tokens) * score.unsqueeze(1)).to(x.dtype); // [n, hidden] * [n, 1]
            batches.Add(new ExpertBatch(e, tokens.MoveToOuterDisposeScope(), input.MoveToOuterDisposeScope()));
        }
        return batches;
    }

    /// <summary>Rank <paramref name="rank"/>'s share. x: [T, hidden] → [T, hidden] (partial sum).</summary>
    public Tensor Forward(int rank, Tensor x, IReadOnlyList<ExpertBatch> routes)
    {
        using var scope = NewDisposeScope();
        var output = _sharedExpert.Forward(rank, x);                               // [T, hidden]
        foreach (var route in routes)
        {
            var input = route.Input.to(x.device);                                   // [n, hidden]
            var gateUp = matmul(input, _gateUpProj[rank][route.Expert]);            // [n, hidden] @ [hidden, 2·I/N]
            var halves = gateUp.chunk(2, -1);                                       // gate, up: [n, I/N] each
            var expertOut = matmul(silu(halves[0]) * halves[1], _downProj[rank][route.Expert]); // [n, hidden]
            output = output.index_add(0, route.Tokens.to(x.device), expertOut, 1);
        }
        return output.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        _router.Dispose();
        foreach (var t in _gateUpProj.Concat(_downProj))
            t.Dispose();
        _sharedExpert.Dispose();
    }
}

/// <summary>One expert's tokens this step: their indices [n] and their router-weighted inputs [n, hidden].</summary>
internal sealed record ExpertBatch(int Expert, Tensor Tokens, Tensor Input) : IDisposable
{
    public void Dispose()
    {
        Tokens.Dispose();
        Input.Dispose();
    }
}
