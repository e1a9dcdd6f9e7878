using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Defects;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Validation;

/// <summary>Reads a key of a ConfigMap in the resource's namespace; null when absent.</summary>
public delegate string? ConfigMapLookup(string? @namespace, string name, string key);

/// <summary>
/// Turns a ModelDeployment into the rules' inputs (architecture, engine settings, GPU inventory) and runs the rules.
/// Pure apart from the ConfigMap lookup it is given; used by the offline validator, admission and reconcile.
/// </summary>
public static class ModelDeploymentValidator
{
    public const string ModelUnknown = "model-unknown";
    public const string ModelConfigInvalid = "model-config-invalid";

    public static ValidationReport Validate(V1Alpha1ModelDeployment resource, ConfigMapLookup configMaps)
    {
        var spec = resource.Spec;
        var (model, modelError) = ResolveModel(spec.Model, resource.Metadata?.NamespaceProperty, configMaps);
        if (model is null) return new ValidationReport([modelError!]);
        return DeploymentRules.Validate(model, ToSettings(spec.Engine), ToInventory(spec.Resources.Gpu));
    }

    /// <summary>The engine settings a spec describes.</summary>
    public static EngineSettings ToSettings(EngineSpec engine) => new()
    {
        Runtime = engine.Runtime == EngineRuntimeName.Vllm ? EngineRuntime.Vllm : EngineRuntime.Engine,
        RuntimeVersion = engine.RuntimeVersion ?? RuntimeVersion.TagOf(engine.Image),
        TensorParallelSize = engine.TensorParallelSize,
        MaxModelLen = engine.MaxModelLen,
        BlockSize = engine.BlockSize,
        Dtype = engine.Dtype,
        GpuMemoryUtilization = engine.GpuMemoryUtilization,
        MaxNumSeqs = engine.MaxNumSeqs,
        MaxNumBatchedTokens = engine.MaxNumBatchedTokens,
    };

    public static GpuInventory ToInventory(GpuSpec gpu) => new(
        gpu.Memory is { } memory ? (long)new ResourceQuantity(memory).ToDecimal() : null,
        gpu.PerNode,
        gpu.ResourceName);

    /// <summary>The model's architecture: inline config, a ConfigMap's config.json, or the catalog.</summary>
    public static (ModelArchitecture? Model, Finding? Error) ResolveModel(ModelSpec model, string? ns, ConfigMapLookup configMaps)
    {
        try
        {
            if (model.Config?.Inline is { } inline)
                return (HuggingFaceConfigReader.Read(inline, model.Name, "spec.model.config.inline"), null);
            if (model.Config?.ConfigMapKeyRef is { } reference)
            {
                string source = $"ConfigMap {reference.Name} key {reference.Key}";
                return configMaps(ns, reference.Name, reference.Key) is { } json
                    ? (HuggingFaceConfigReader.Read(json, model.Name, source), null)
                    : (null, new Finding(ModelConfigInvalid, Severity.Error, "spec.model.config.configMapKeyRef",
                        $"{source} was not found.", "Create the ConfigMap with the model's config.json under that key, or use spec.model.config.inline."));
            }
            return ModelCatalog.Find(model.Name) is { } known
                ? (known, null)
                : (null, new Finding(ModelUnknown, Severity.Error, "spec.model.name",
                    $"Model '{model.Name}' is not in the built-in catalog and spec.model.config is not set.",
                    $"Set spec.model.config to its config.json, or use a catalog model: {string.Join(", ", ModelCatalog.Names)}."));
        }
        catch (ModelConfigException e)
        {
            return (null, new Finding(ModelConfigInvalid, Severity.Error, "spec.model.config", e.Message,
                "Provide the model's Hugging Face config.json (model_type llama4, llama4_text or llama)."));
        }
    }
}
