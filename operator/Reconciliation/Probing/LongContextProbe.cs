using LlmOperator.Operator.Entities;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Operator.Reconciliation.Probing;

/// <summary>
/// The request a revision must survive before it counts as good: a prompt near maxModelLen, which on a chunked-
/// attention model (Llama 4: 8192-token chunks) crosses chunk boundaries — the request that crashed vLLM before
/// 0.8.4 with a device-side assert once max_model_len was not a multiple of the chunk. The prompt is sent as token
/// ids, so its length is exact without the model's tokenizer; the ids come from the middle of the vocabulary, away
/// from the special tokens at either end.
/// </summary>
/// <param name="Model">The served model name (--served-model-name).</param>
/// <param name="PromptTokens">Prompt length in tokens.</param>
/// <param name="MaxTokens">Tokens to generate: a couple prove decoding works after the long prefill.</param>
/// <param name="ChunkBoundaries">Attention-chunk boundaries the prompt crosses (0 for models without chunked attention).</param>
public sealed record LongContextProbe(string Model, int PromptTokens, int MaxTokens, int FirstTokenId, int TokenIdRange, int ChunkBoundaries)
{
    /// <summary>Longer prompts prove no more and cost a long prefill: three 8192 chunks and a bit are enough.</summary>
    public const int MaxPromptTokens = 32768;

    public const int GeneratedTokens = 2;

    /// <summary>The bearer key when the engine requires one (spec.engine.apiKeySecretRef); prints as [redacted].</summary>
    public EngineApiKey? ApiKey { get; init; }

    public static LongContextProbe For(V1Alpha1ModelDeployment resource, ModelArchitecture model)
    {
        var settings = new EngineSettings { MaxModelLen = resource.Spec.Engine.MaxModelLen };
        long maxModelLen = settings.EffectiveMaxModelLen(model);
        int prompt = (int)Math.Clamp(maxModelLen - GeneratedTokens, 1, MaxPromptTokens);
        int range = Math.Max(1, Math.Min(1000, model.VocabSize / 2));
        int boundaries = model.AttentionChunkSize is > 0 and var chunk ? (prompt - 1) / chunk : 0;
        return new LongContextProbe(resource.Spec.Model.Name, prompt, GeneratedTokens, model.VocabSize / 4, range, boundaries);
    }

    /// <summary>The prompt's token ids: a deterministic walk over the chosen range (7919 is prime, so it visits all of it).</summary>
    public IEnumerable<int> TokenIds() => Enumerable.Range(0, PromptTokens).Select(i => FirstTokenId + (int)((long)i * 7919 % TokenIdRange));
}
