namespace LlmOperator.Engine.Core;

/// <summary>
/// What a request must satisfy before the engine takes it: at least one prompt token, ids inside the vocabulary, and
/// prompt + max_tokens within maxModelLen (the KV cache holds one maxModelLen sequence at least, so such a request
/// always fits when it runs alone). The HTTP layer checks the same with OpenAI-shaped errors first; this is the
/// engine's own guard for every other caller.
/// </summary>
public sealed record EngineLimits(int MaxModelLen, int VocabSize)
{
    public void Check(GenerationInput input)
    {
        var prompt = input.PromptTokenIds;
        if (prompt.Count == 0)
            throw new ArgumentException($"request {input.RequestId}: the prompt has no tokens.");
        if (input.Sampling.MaxTokens < 1)
            throw new ArgumentException($"request {input.RequestId}: max_tokens must be at least 1.");
        if ((long)prompt.Count + input.Sampling.MaxTokens > MaxModelLen)
            throw new ArgumentException(
                $"request {input.RequestId}: {prompt.Count} prompt tokens + {input.Sampling.MaxTokens} max_tokens exceed maxModelLen {MaxModelLen}.");
        foreach (int id in prompt)
            if (id < 0 || id >= VocabSize)
                throw new ArgumentException($"request {input.RequestId}: token id {id} is outside the vocabulary [0, {VocabSize}).");
    }
}
