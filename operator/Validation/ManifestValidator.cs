using System.Text.Json;
using k8s;
using LlmOperator.Operator.Crds;
using LlmOperator.Operator.Entities;
using LlmOperator.Rules.Validation;
using YamlDotNet.RepresentationModel;

namespace LlmOperator.Operator.Validation;

/// <summary>The outcome for one ModelDeployment document.</summary>
public sealed record ResourceResult(string File, int Line, string? Namespace, string Name, IReadOnlyList<Finding> Findings)
{
    public bool IsValid => Findings.All(f => f.Severity != Severity.Error);
}

/// <summary>
/// Validates manifests offline, as a GitOps pipeline does before merge: each ModelDeployment against the CRD schema,
/// then against the rules. ConfigMaps in the same input serve <c>spec.model.config.configMapKeyRef</c>.
/// </summary>
public static class ManifestValidator
{
    public const string SchemaRule = "schema";
    public const string CelRule = "crd-rule";

    public static IReadOnlyList<ResourceResult> Validate(IReadOnlyList<ManifestDocument> documents)
    {
        documents = documents.Where(d => !IsGitOpsObject(d) && !IsSecret(d)).ToList();
        foreach (var doc in documents.Where(d => !IsModelDeployment(d) && !IsConfigMap(d)))
            throw new ManifestException($"{doc.Location}: kind '{doc.Kind}' ({doc.ApiVersion}) is not a ModelDeployment; " +
                                        $"expected apiVersion {V1Alpha1ModelDeployment.GroupVersion}, kind {V1Alpha1ModelDeployment.EntityKind}.");
        var configMaps = documents.Where(IsConfigMap).ToList();
        var schema = CrdGenerator.Generate().Spec.Versions[0].Schema.OpenAPIV3Schema;
        return documents.Where(IsModelDeployment).Select(d => ValidateOne(d, schema, configMaps)).ToList();
    }

    private static ResourceResult ValidateOne(ManifestDocument doc, k8s.Models.V1JSONSchemaProps schema, IReadOnlyList<ManifestDocument> configMaps)
    {
        var violations = new List<SchemaViolation>();
        var json = SchemaConverter.Convert(doc.Root, schema, "", violations);
        string name = Metadata(doc, "name") ?? "(unnamed)";
        string? ns = Metadata(doc, "namespace");
        var schemaFindings = violations.Select(ToFinding).ToList();
        // Wrongly typed documents cannot be read further; failed CEL rules still leave a readable resource.
        if (violations.Any(v => !v.IsCelRule))
            return new ResourceResult(doc.File, doc.Line, ns, name, schemaFindings);
        V1Alpha1ModelDeployment resource;
        try
        {
            resource = KubernetesJson.Deserialize<V1Alpha1ModelDeployment>(json!.ToJsonString());
        }
        catch (JsonException e)
        {
            // The schema leaves metadata free-form; a wrongly typed metadata field only shows here.
            return new ResourceResult(doc.File, doc.Line, ns, name, [new Finding(SchemaRule, Severity.Error, e.Path ?? "metadata",
                $"cannot be read: {e.Message}", "Correct the field's type (labels and annotations map strings to strings).")]);
        }
        var report = ModelDeploymentValidator.Validate(resource, (n, cm, key) => Lookup(configMaps, n ?? ns, cm, key));
        return new ResourceResult(doc.File, doc.Line, ns, name, [.. schemaFindings, .. report.Findings]);
    }

    private static Finding ToFinding(SchemaViolation v) => v.IsCelRule
        ? new Finding(CelRule, Severity.Error, v.Field, $"line {v.Line}: {v.Message}.", "Change the fields the rule names (the CRD's x-kubernetes-validations).")
        : new Finding(SchemaRule, Severity.Error, v.Field, $"line {v.Line}: {v.Message}.", "Correct the field to match the CRD (kubectl explain modeldeployment.spec).");

    private static string? Lookup(IReadOnlyList<ManifestDocument> configMaps, string? ns, string name, string key)
    {
        var match = configMaps.FirstOrDefault(c => Metadata(c, "name") == name && (Metadata(c, "namespace") ?? ns) == ns);
        if (match is null) return null;
        var data = match.Root.Children.TryGetValue(new YamlScalarNode("data"), out var node)
            ? node as YamlMappingNode : null;
        return data?.Children.TryGetValue(new YamlScalarNode(key), out var value) == true
            ? (value as YamlScalarNode)?.Value
            : null;
    }

    private static string? Metadata(ManifestDocument doc, string field) =>
        doc.Root.Children.TryGetValue(new YamlScalarNode("metadata"), out var m)
        && m is YamlMappingNode map
        && map.Children.TryGetValue(new YamlScalarNode(field), out var v)
            ? (v as YamlScalarNode)?.Value
            : null;

    private static bool IsModelDeployment(ManifestDocument d) =>
        d.Kind == V1Alpha1ModelDeployment.EntityKind && d.ApiVersion == V1Alpha1ModelDeployment.GroupVersion;

    private static bool IsConfigMap(ManifestDocument d) => d.Kind == "ConfigMap" && d.ApiVersion == "v1";

    /// <summary>The engine API key's Secret (spec.engine.apiKeySecretRef) sits beside its ModelDeployment; its data is not ours to read.</summary>
    private static bool IsSecret(ManifestDocument d) => d.Kind == "Secret" && d.ApiVersion == "v1";

    /// <summary>
    /// Flux's (*.toolkit.fluxcd.io) and Argo CD's (argoproj.io) own objects sit in the folders they sync, beside the
    /// ModelDeployments (examples/flux/): not ours to check, and no reason to refuse the folder. Any other kind is still
    /// refused, so that a Deployment or a misspelt apiVersion is not passed over in silence.
    /// </summary>
    private static bool IsGitOpsObject(ManifestDocument d)
    {
        var group = d.ApiVersion.Split('/')[0];
        return group.EndsWith(".toolkit.fluxcd.io", StringComparison.Ordinal) || group == "argoproj.io";
    }

    /// <summary>Results as the JSON that <c>validate -o json</c> prints.</summary>
    public static string ToJson(IReadOnlyList<ResourceResult> results) => JsonSerializer.Serialize(new
    {
        valid = results.All(r => r.IsValid),
        resources = results.Select(r => new
        {
            file = r.File, line = r.Line, @namespace = r.Namespace, name = r.Name, valid = r.IsValid,
            findings = r.Findings.Select(f => new { ruleId = f.RuleId, severity = f.Severity.ToString(), field = f.Field, message = f.Message, fix = f.Fix }),
        }),
    }, new JsonSerializerOptions { WriteIndented = true });
}
