using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>
/// Where the engine finds the model inside the pod: a PVC with the checkpoint mounted read-only, a ConfigMap
/// holding config.json, or (neither) the catalog name / Hugging Face id passed as is.
/// </summary>
public sealed record ModelMount(string ModelArgument, IReadOnlyList<V1Volume> Volumes, IReadOnlyList<V1VolumeMount> Mounts)
{
    public const string WeightsPath = "/models";
    public const string ConfigPath = "/etc/llm-operator/model";

    public static ModelMount For(ModelSpec model)
    {
        if (model.Weights?.Pvc is { } pvc)
        {
            var path = WeightsPath + "/" + pvc.Path.Trim('/');
            return new ModelMount(path.TrimEnd('/'),
                [new V1Volume { Name = "weights", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = pvc.ClaimName, ReadOnlyProperty = true } }],
                [new V1VolumeMount { Name = "weights", MountPath = WeightsPath, ReadOnlyProperty = true }]);
        }
        if (model.Config?.ConfigMapKeyRef is { } configMap)
        {
            return new ModelMount(ConfigPath,
                [new V1Volume { Name = "model-config", ConfigMap = new V1ConfigMapVolumeSource
                {
                    Name = configMap.Name, Items = [new V1KeyToPath { Key = configMap.Key, Path = "config.json" }],
                } }],
                [new V1VolumeMount { Name = "model-config", MountPath = ConfigPath, ReadOnlyProperty = true }]);
        }
        var name = model.Weights?.Uri is { } uri && uri.StartsWith("hf://", StringComparison.Ordinal) ? uri["hf://".Length..] : model.Name;
        return new ModelMount(name, [], []);
    }
}
