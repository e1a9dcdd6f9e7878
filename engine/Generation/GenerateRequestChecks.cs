using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Generation;

/// <summary>A request the settings cannot serve; <see cref="Id"/> names the check, <see cref="Flag"/> the field to change.</summary>
public sealed class GenerateRequestException(string id, string flag, string message) : Exception(message)
{
    public string Id => id;
    public string Flag => flag;
}

/// <summary>
/// The request against the settings, before any weight is loaded: like vLLM's OpenAI server, a prompt plus the
/// tokens asked for must fit maxModelLen (the KV cache of one sequence is sized by it), and every id must be in the
/// model's vocabulary.
/// </summary>
public static class GenerateRequestChecks
{
    public const string PromptTooLong = "prompt-too-long";
    public const string TokenIdOutOfRange = "token-id-out-of-range";
    public const string EmptyPrompt = "empty-prompt";

    public static void Check(IReadOnlyList<int> prompt, int maxTokens, long maxModelLen, ModelArchitecture model, int vocab)
    {
        if (prompt.Count == 0)
            throw new GenerateRequestException(EmptyPrompt, "--prompt", "the prompt encodes to no tokens. Fix: give a non-empty prompt.");
        long total = (long)prompt.Count + maxTokens;
        if (total > maxModelLen)
            throw new GenerateRequestException(PromptTooLong, Fields.MaxModelLen,
                $"the prompt has {prompt.Count:N0} tokens and --max-tokens asks for {maxTokens:N0} more, {total:N0} in all, " +
                $"but maxModelLen is {maxModelLen:N0}. Fix: shorten the prompt, lower --max-tokens, or raise --max-model-len " +
                $"to at least {total:N0} ({model.Name} supports up to {model.DerivedMaxModelLen:N0}).");
        foreach (int id in prompt)
            if (id < 0 || id >= vocab)
                throw new GenerateRequestException(TokenIdOutOfRange, "--token-ids",
                    $"token id {id} is outside the model's vocabulary [0, {vocab}). Fix: use ids below {vocab}.");
    }
}
