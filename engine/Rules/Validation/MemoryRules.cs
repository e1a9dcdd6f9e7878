using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>The KV cache must hold at least one maxModelLen sequence on every rank.</summary>
internal static class MemoryRules
{
    public static IEnumerable<Finding> Check(RuleContext c)
    {
        if (c.Gpus?.MemoryBytesPerGpu is not { } gpuBytes) yield break;
        var s = c.Settings;
        var e = Estimate(c, c.Tp, gpuBytes);
        if (e.KvTokens >= c.MaxModelLen) yield break;

        string head = $"At tensorParallelSize {c.Tp}, each GPU holds {GiB(e.WeightBytes)} of {c.ResolvedDtype} weights " +
                      $"and {GiB(e.ReserveBytes)} of activation reserve; {s.GpuMemoryUtilization} × {GiB(gpuBytes)} " +
                      $"leaves {GiB(e.KvBytes)} for the KV cache ({KiB(e.KvBytesPerToken)} per token)";
        string message = e.KvTokens == 0
            ? $"{head}, which is no room for a single block: the weights alone do not fit."
            : $"{head}, which holds {e.KvTokens:N0} tokens, but one sequence of maxModelLen {c.MaxModelLen:N0} needs " +
              $"{GiB(c.MaxModelLen * e.KvBytesPerToken)}.";
        yield return new Finding(RuleIds.KvCacheCapacity, Severity.Error, Fields.MaxModelLen, message, Fix(c, gpuBytes, e));
    }

    private static MemoryEstimate Estimate(RuleContext c, int tp, long gpuBytes) => MemoryEstimate.For(
        c.Model, tp, c.DtypeBytes, c.Settings.BlockSize, c.Settings.GpuMemoryUtilization, gpuBytes,
        c.Settings.EffectiveMaxNumBatchedTokens, c.Settings.MaxNumSeqs);

    private static string Fix(RuleContext c, long gpuBytes, MemoryEstimate e)
    {
        var fixes = new List<string>();
        if (e.KvTokens > 0) fixes.Add($"lower maxModelLen to at most {e.KvTokens:N0}");
        var larger = ParallelismRules.ValidSizes(c.Model, c.Settings.Runtime, c.Gpus?.GpusPerNode)
            .Where(tp => tp > c.Tp && Estimate(c, tp, gpuBytes).KvTokens >= c.MaxModelLen).ToList();
        if (larger.Count > 0) fixes.Add($"use tensorParallelSize {ParallelismRules.FormatList(larger)}");
        if (c.Settings.GpuMemoryUtilization < 0.95) fixes.Add("raise gpuMemoryUtilization (up to 0.95)");
        fixes.Add("or use GPUs with more memory");
        return string.Join("; ", fixes) + ".";
    }

    private static string GiB(long bytes) => $"{bytes / (double)(1L << 30):0.##} GiB";

    private static string KiB(long bytes) => $"{bytes / 1024.0:0.##} KiB";
}
