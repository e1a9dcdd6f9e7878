using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using LlmOperator.Operator.Crds;
using LlmOperator.Operator.Entities;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>
/// The defaults the defaulting webhook writes into a ModelDeployment's spec, as an RFC 6902 patch of <c>add</c>s.
/// <list type="number">
/// <item>The CRD's own schema defaults, also under sections the user left out. kube-apiserver applies a schema
/// default only where the parent object exists, so a spec without <c>engine:</c> would be stored without
/// tensorParallelSize, blockSize, ... even though the operator runs it with them; after this webhook the stored
/// object says what runs. The defaults come from the generated CRD, so they cannot drift from it.</item>
/// <item><c>engine.maxNumBatchedTokens</c>: <see cref="EngineSettings.EffectiveMaxNumBatchedTokens"/> (8192), the
/// budget the rules check an unset value against. Writing it down means the engine is started with the budget that
/// was validated, whatever the default of the runtime version that ends up running. Left unset when maxNumSeqs
/// exceeds it, so the validating webhook explains that conflict instead of a CEL rule on a field nobody wrote.</item>
/// </list>
/// <c>maxModelLen</c> is deliberately not pinned: it derives from the model, and a pinned value would go stale the
/// day the model changes and the manifest does not say maxModelLen (apps/v1 dropped defaulted selectors for the
/// same reason).
/// </summary>
public static class ModelDeploymentDefaults
{
    private static readonly V1JSONSchemaProps SpecSchema =
        CrdGenerator.Generate().Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"];

    /// <summary>The patch that adds every missing default to <paramref name="resource"/>; empty when none is missing.</summary>
    public static JsonArray Patch(JsonObject resource)
    {
        var patch = new JsonArray();
        if (resource["spec"] is not JsonObject spec) return patch; // no spec: the schema's "required" refuses it
        var filled = (JsonObject)spec.DeepClone();
        Fill(filled, SpecSchema, new ModelDeploymentSpec());
        DefaultBatchedTokens(filled);
        Additions(spec, filled, "/spec", patch);
        return patch;
    }

    /// <summary>Sets absent fields to their schema default; creates absent sections the operator always has.</summary>
    private static void Fill(JsonObject obj, V1JSONSchemaProps schema, object? template)
    {
        foreach (var (name, property) in schema.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            var childTemplate = TemplateValue(template, name);
            if (obj[name] is JsonObject child)
            {
                Fill(child, property, childTemplate);
            }
            else if (obj[name] is null && property.DefaultProperty is { } value)
            {
                obj[name] = JsonSerializer.SerializeToNode(value);
            }
            else if (obj[name] is null && property.Type == "object" && property.Required is not { Count: > 0 } && childTemplate is not null)
            {
                // Only sections the C# type always creates (engine, resources, rollout, service): optional ones
                // such as model.config mean "not used" when absent and must stay absent.
                var created = new JsonObject();
                Fill(created, property, childTemplate);
                if (created.Count > 0) obj[name] = created;
            }
        }
    }

    private static void DefaultBatchedTokens(JsonObject spec)
    {
        if (spec["engine"] is not JsonObject engine || engine["maxNumBatchedTokens"] is not null) return;
        // Parsed from the request's JSON text, or a default this class added (an int): read either as a number.
        if (engine["maxNumSeqs"] is JsonValue seqs && seqs.GetValueKind() == JsonValueKind.Number &&
            decimal.TryParse(seqs.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture, out var maxNumSeqs) &&
            maxNumSeqs <= EngineSettings.DefaultMaxNumBatchedTokens)
            engine["maxNumBatchedTokens"] = EngineSettings.DefaultMaxNumBatchedTokens;
    }

    /// <summary>One <c>add</c> per field of <paramref name="filled"/> missing from <paramref name="original"/>.</summary>
    private static void Additions(JsonObject original, JsonObject filled, string pointer, JsonArray patch)
    {
        foreach (var (name, value) in filled)
        {
            string path = $"{pointer}/{name.Replace("~", "~0").Replace("/", "~1")}";
            if (original[name] is JsonObject before && value is JsonObject after)
                Additions(before, after, path, patch);
            else if (original[name] is null && value is not null)
                patch.Add(new JsonObject { ["op"] = "add", ["path"] = path, ["value"] = value.DeepClone() });
        }
    }

    /// <summary>The value the C# type gives the property with JSON name <paramref name="name"/> by default.</summary>
    private static object? TemplateValue(object? template, string name) =>
        template?.GetType().GetProperties()
            .FirstOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == name)
            ?.GetValue(template);
}
