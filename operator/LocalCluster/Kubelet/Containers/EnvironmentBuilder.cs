using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// A container's environment as the kubelet computes it (pkg/kubelet/kubelet_pods.go makeEnvironmentVariables):
/// <c>envFrom</c> sources first, then <c>env</c> in order, later names overriding earlier ones, each
/// <c>env[].value</c> expanded with <c>$(VAR)</c> against the variables defined before it.
/// <c>valueFrom</c> supports fieldRef (the downward API fields below), configMapKeyRef and secretKeyRef.
/// </summary>
public static partial class EnvironmentBuilder
{
    /// <summary>Field paths of the downward API that env may reference.</summary>
    public static readonly IReadOnlyList<string> SupportedFieldPaths =
    [
        "metadata.name", "metadata.namespace", "metadata.uid", "metadata.labels['KEY']", "metadata.annotations['KEY']",
        "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    ];

    /// <param name="predefined">Variables the runtime defines first (HOSTNAME, PORT...): visible to $(VAR), overridable.</param>
    /// <returns>The predefined variables with the container's applied over them.</returns>
    public static Dictionary<string, string> Build(V1Pod pod, V1Container container, ConfigLookup config, IReadOnlyDictionary<string, string>? predefined = null)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var env = new Dictionary<string, string>(predefined ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            var data = source.ConfigMapRef is { } cm ? config.ConfigMap(ns, cm.Name, cm.Optional == true)
                : source.SecretRef is { } secret ? config.Secret(ns, secret.Name, secret.Optional == true)
                : null;
            foreach (var (key, value) in data ?? new Dictionary<string, byte[]>())
            {
                env[(source.Prefix ?? "") + key] = Encoding.UTF8.GetString(value);
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from
                ? ValueFrom(pod, ns, variable.Name, from, config)
                : VariableExpansion.Expand(variable.Value ?? "", name => env.GetValueOrDefault(name));
            if (value is not null) env[variable.Name] = value;
        }

        return env;
    }

    private static string? ValueFrom(V1Pod pod, string ns, string name, V1EnvVarSource from, ConfigLookup config)
    {
        if (from.FieldRef is { } field) return Field(pod, field.FieldPath, name);
        if (from.ConfigMapKeyRef is { } cm) return config.ConfigMapKey(ns, cm);
        if (from.SecretKeyRef is { } secret) return config.SecretKey(ns, secret);
        throw new ContainerStartException(ContainerStartException.ConfigError,
            $"env {name}: only fieldRef, configMapKeyRef and secretKeyRef are supported by the local kubelet");
    }

    /// <summary>The downward API value of a field path (status fields as the local kubelet sets them: loopback).</summary>
    public static string Field(V1Pod pod, string path, string variable)
    {
        var keyed = KeyedField().Match(path);
        if (keyed.Success)
        {
            var map = keyed.Groups[1].Value == "labels" ? pod.Metadata.Labels : pod.Metadata.Annotations;
            return map is not null && map.TryGetValue(keyed.Groups[2].Value, out var value) ? value : "";
        }

        return path switch
        {
            "metadata.name" => pod.Metadata.Name,
            "metadata.namespace" => pod.Metadata.NamespaceProperty ?? "default",
            "metadata.uid" => pod.Metadata.Uid ?? "",
            "spec.nodeName" => pod.Spec.NodeName ?? "",
            "spec.serviceAccountName" => pod.Spec.ServiceAccountName ?? "default",
            "status.hostIP" or "status.hostIPs" or "status.podIP" or "status.podIPs" => "127.0.0.1",
            _ => throw new ContainerStartException(ContainerStartException.ConfigError,
                $"env {variable}: unsupported fieldPath \"{path}\"; supported: {string.Join(", ", SupportedFieldPaths)}"),
        };
    }

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['([^']+)'\]$")]
    private static partial Regex KeyedField();
}
