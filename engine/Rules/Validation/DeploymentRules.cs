using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>
/// The one entry point: every rule the operator (admission, offline validate) and the engine (start-up) apply to a
/// model, its engine settings and the GPUs it gets. Pure: no I/O.
/// </summary>
public static class DeploymentRules
{
    /// <summary>Runs every rule. <paramref name="gpus"/> may be null or partly unknown; rules that need it are skipped.</summary>
    public static ValidationReport Validate(ModelArchitecture model, EngineSettings settings, GpuInventory? gpus)
    {
        var context = new RuleContext(model, settings, gpus);
        var findings = BoundsRules.Check(context).ToList();
        // The remaining rules divide by these values; with one out of range their arithmetic means nothing.
        if (findings.Count == 0)
        {
            findings.AddRange(ChunkingRules.Check(context));
            findings.AddRange(ParallelismRules.Check(context));
            findings.AddRange(BatchingRules.Check(context));
            findings.AddRange(DefectRules.Check(context));
            if (!findings.Any(f => f.Field == Fields.TensorParallelSize && f.Severity == Severity.Error))
                findings.AddRange(MemoryRules.Check(context));
        }
        return new ValidationReport(findings
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => f.Field, StringComparer.Ordinal)
            .ToList());
    }
}
