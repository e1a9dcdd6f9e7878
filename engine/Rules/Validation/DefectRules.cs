using LlmOperator.Rules.Defects;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>Applies the known-defect table: a deployment that a runtime version is known to crash on is refused.</summary>
internal static class DefectRules
{
    public static IEnumerable<Finding> Check(RuleContext c)
    {
        var version = RuntimeVersion.Parse(c.Settings.RuntimeVersion);
        var defects = KnownDefects.For(c.Settings.Runtime, c.Model.Family, version)
            .Where(d => KnownDefects.Applies(d, c.Model, c.Settings, c.MaxModelLen))
            .ToList();
        if (defects.Count == 0) yield break;

        if (version is null)
        {
            // Unknown version: the defects may or may not be present, so warn instead of refusing.
            yield return new Finding(RuleIds.RuntimeVersionUnknown, Severity.Warning, Fields.RuntimeVersion,
                $"The {BoundsRules.Describe(c.Settings.Runtime)} version is unknown (image tag '{c.Settings.RuntimeVersion ?? "none"}'), " +
                $"and these settings hit known defects of some versions: {string.Join(", ", defects.Select(d => d.Id))}.",
                "Pin the image to a released version tag (e.g. v0.8.4 or later) or set spec.engine.runtimeVersion.");
            yield break;
        }

        foreach (var d in defects)
        {
            string v = version.ToString();
            yield return new Finding(RuleIds.KnownDefect, Severity.Error, d.Field,
                $"[{d.Id}] " + KnownDefects.Render(d.Message, c.Model, c.Settings, c.MaxModelLen, v),
                KnownDefects.Render(d.Fix, c.Model, c.Settings, c.MaxModelLen, v));
        }
    }
}
