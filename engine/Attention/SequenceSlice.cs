namespace LlmOperator.Engine.Attention;

/// <summary>
/// One sequence's part of a step: it already has <paramref name="ComputedTokens"/> in the cache and
/// brings <paramref name="NewTokens"/> now (a prefill chunk, or 1 for decode); its block table covers
/// at least ComputedTokens + NewTokens tokens.
/// </summary>
public sealed record SequenceSlice(int ComputedTokens, int NewTokens, IReadOnlyList<int> BlockTable);
