using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>The step token budget against the sequence limits (vLLM's <c>SchedulerConfig._verify_args</c>).</summary>
internal static class BatchingRules
{
    public static IEnumerable<Finding> Check(RuleContext c)
    {
        var s = c.Settings;
        int budget = s.EffectiveMaxNumBatchedTokens;
        if (budget < s.MaxNumSeqs)
            yield return new Finding(RuleIds.BatchedTokensBelowSeqs, Severity.Error, Fields.MaxNumBatchedTokens,
                $"maxNumBatchedTokens {budget:N0} is smaller than maxNumSeqs {s.MaxNumSeqs:N0}: a step could not give " +
                "every running sequence its one decode token.",
                $"Raise maxNumBatchedTokens to at least {s.MaxNumSeqs:N0} or lower maxNumSeqs to at most {budget:N0}.");

        long ceiling = (long)s.MaxNumSeqs * c.MaxModelLen;
        if (budget > ceiling)
            yield return new Finding(RuleIds.BatchedTokensAboveCapacity, Severity.Warning, Fields.MaxNumBatchedTokens,
                $"maxNumBatchedTokens {budget:N0} exceeds maxNumSeqs × maxModelLen = {ceiling:N0}; the extra budget can " +
                "never be used but is reserved for activations.",
                $"Lower maxNumBatchedTokens to at most {ceiling:N0}.");

        if (budget < c.MaxModelLen)
            yield return new Finding(RuleIds.BatchedTokensChunkPrefill, Severity.Info, Fields.MaxNumBatchedTokens,
                $"maxNumBatchedTokens {budget:N0} is below maxModelLen {c.MaxModelLen:N0}: long prompts are prefilled " +
                "in chunks over several steps.",
                "None needed; raise maxNumBatchedTokens for faster long prefills at the cost of activation memory.");
    }
}
