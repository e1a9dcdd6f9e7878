using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;

namespace LlmOperator.LocalCluster.Controllers.Deployments;

/// <summary>
/// The apps/v1 Deployment rules the rollout depends on (from ValidateDeploymentSpec), with the
/// field path and message kube-apiserver uses. The API server can call it in admission (422 with
/// one cause per finding); the controller calls it too and refuses to roll out an invalid spec
/// with a Warning event rather than guessing.
/// </summary>
public static class DeploymentValidation
{
    public static IReadOnlyList<(string Field, string Message)> Validate(V1Deployment deployment)
    {
        var findings = new List<(string, string)>();
        var spec = deployment.Spec;
        if (spec is null) return [("spec", "Required value")];
        if (spec.Replicas < 0) findings.Add(("spec.replicas", $"Invalid value: {spec.Replicas}: must be greater than or equal to 0"));
        if (LabelSelectors.IsEmpty(spec.Selector)) findings.Add(("spec.selector", "Required value: a non-empty selector is required"));
        else if (!LabelSelectors.Matches(spec.Selector, spec.Template?.Metadata?.Labels?.AsReadOnly() ?? Empty))
        {
            findings.Add(("spec.template.metadata.labels", "Invalid value: `selector` does not match template `labels`"));
        }

        if (spec.MinReadySeconds < 0) findings.Add(("spec.minReadySeconds", "Invalid value: must be greater than or equal to 0"));
        if (spec.ProgressDeadlineSeconds is { } deadline && deadline <= (spec.MinReadySeconds ?? 0))
        {
            findings.Add(("spec.progressDeadlineSeconds", "Invalid value: must be greater than minReadySeconds"));
        }

        ValidateStrategy(spec.Strategy, findings);
        return findings;
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new Dictionary<string, string>();

    private static void ValidateStrategy(V1DeploymentStrategy? strategy, List<(string, string)> findings)
    {
        if (strategy?.Type is not (null or "RollingUpdate" or "Recreate"))
        {
            findings.Add(("spec.strategy.type", $"Unsupported value: \"{strategy?.Type}\": supported values: \"Recreate\", \"RollingUpdate\""));
            return;
        }

        if (strategy?.Type == "Recreate")
        {
            if (strategy.RollingUpdate is not null)
            {
                findings.Add(("spec.strategy.rollingUpdate", "Forbidden: may not be specified when strategy `type` is 'Recreate'"));
            }

            return;
        }

        var surge = Check(strategy?.RollingUpdate?.MaxSurge, "spec.strategy.rollingUpdate.maxSurge", findings);
        var unavailable = Check(strategy?.RollingUpdate?.MaxUnavailable, "spec.strategy.rollingUpdate.maxUnavailable", findings);
        if (unavailable is { IsPercent: true, Value: > 100 })
        {
            findings.Add(("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: must not be greater than 100%"));
        }

        if (surge?.Value == 0 && unavailable?.Value == 0)
        {
            findings.Add(("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value: 0: may not be 0 when `maxSurge` is 0"));
        }
    }

    /// <summary>Parses an int-or-percent setting (unset means the 25% default); null and a finding when malformed.</summary>
    private static (int Value, bool IsPercent)? Check(IntOrString? setting, string field, List<(string, string)> findings)
    {
        if (setting?.Value is not { } text) return (25, true);
        try
        {
            var value = RolloutMath.Scaled(setting, 100, roundUp: false, field);
            return (value, text.EndsWith('%'));
        }
        catch (FormatException e)
        {
            findings.Add((field, "Invalid value: " + e.Message[(field.Length + 2)..]));
            return null;
        }
    }
}
