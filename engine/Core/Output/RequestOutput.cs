using LlmOperator.Engine.Core.Requests;

namespace LlmOperator.Engine.Core.Output;

/// <summary>The log-probability of one token, with its text as the tokenizer spells it.</summary>
public sealed record TokenLogprob(int TokenId, string Token, float Logprob);

/// <summary>The chosen token's log-probability and the most likely alternatives at that position, best first.</summary>
public sealed record ChosenTokenLogprob(TokenLogprob Chosen, IReadOnlyList<TokenLogprob> Top);

/// <summary>
/// What one step added to one request: new text (possibly empty while a UTF-8 character or a possible stop string
/// is held back), the chosen tokens' logprobs when asked for, the counts so far, and the finish reason once done.
/// </summary>
public sealed record RequestOutput(
    string TextDelta,
    IReadOnlyList<ChosenTokenLogprob> Logprobs,
    int NumPromptTokens,
    int NumOutputTokens,
    FinishReason? FinishReason)
{
    public bool Finished => FinishReason is not null;
}
