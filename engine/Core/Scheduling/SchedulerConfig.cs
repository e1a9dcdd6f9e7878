namespace LlmOperator.Engine.Core.Scheduling;

/// <param name="MaxNumSeqs">At most this many requests run in one step (--max-num-seqs).</param>
/// <param name="MaxNumBatchedTokens">The token budget of one step (--max-num-batched-tokens).</param>
public sealed record SchedulerConfig(int MaxNumSeqs, int MaxNumBatchedTokens);
