namespace LlmOperator.Engine.Core.Sampling;

/// <summary>
/// How one request picks its tokens and when it stops, as the OpenAI API (and vLLM's extensions) describe it.
/// Temperature 0 is greedy; <see cref="TopK"/> ≤ 0 and <see cref="TopP"/> = 1 keep every token.
/// </summary>
public sealed record SamplingParams
{
    public double Temperature { get; init; } = 1.0;

    public double TopP { get; init; } = 1.0;

    public int TopK { get; init; }

    /// <summary>Seeds the request's own generator, so the same request with the same seed samples the same tokens.</summary>
    public long? Seed { get; init; }

    public int MaxTokens { get; init; } = 16;

    /// <summary>Text that ends generation; the returned text stops before it.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Token ids that end generation (besides EOS); the token is not part of the text.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Keep generating past the model's end-of-sequence tokens (vLLM's ignore_eos).</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>
    /// Null: no logprobs. N ≥ 0: the chosen token's log-probability and the N most likely alternatives' (OpenAI's
    /// completions <c>logprobs</c>, chat's <c>top_logprobs</c>).
    /// </summary>
    public int? Logprobs { get; init; }

    public bool IsGreedy => Temperature <= 0 || TopK == 1;
}
