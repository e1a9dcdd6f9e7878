using System.Text;
using k8s.Models;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// ConfigMaps and Secrets for env and volumes, read from the store when a container starts. Missing objects
/// and keys throw <see cref="ContainerStartException"/> with the kubelet's messages, unless marked optional.
/// </summary>
public sealed class ConfigLookup(ObjectStore store)
{
    /// <summary>A ConfigMap's data and binaryData as bytes; null when it is missing and optional.</summary>
    public IReadOnlyDictionary<string, byte[]>? ConfigMap(string ns, string name, bool optional)
    {
        if (store.Get<V1ConfigMap>(BuiltInTypes.ConfigMaps, ns, name) is not { } map)
        {
            return optional ? null : throw Missing($"configmap \"{name}\" not found");
        }

        var data = (map.Data ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value));
        foreach (var (key, value) in map.BinaryData ?? new Dictionary<string, byte[]>()) data[key] = value;
        return data;
    }

    /// <summary>A Secret's data (decoded) and stringData; null when it is missing and optional.</summary>
    public IReadOnlyDictionary<string, byte[]>? Secret(string ns, string name, bool optional)
    {
        if (store.Get<V1Secret>(BuiltInTypes.Secrets, ns, name) is not { } secret)
        {
            return optional ? null : throw Missing($"secret \"{name}\" not found");
        }

        var data = (secret.Data ?? new Dictionary<string, byte[]>()).ToDictionary(p => p.Key, p => p.Value);
        foreach (var (key, value) in secret.StringData ?? new Dictionary<string, string>()) data[key] = Encoding.UTF8.GetBytes(value);
        return data;
    }

    public string? ConfigMapKey(string ns, V1ConfigMapKeySelector selector) =>
        Key(ConfigMap(ns, selector.Name, selector.Optional == true), selector.Key, "ConfigMap", ns, selector.Name, selector.Optional == true);

    public string? SecretKey(string ns, V1SecretKeySelector selector) =>
        Key(Secret(ns, selector.Name, selector.Optional == true), selector.Key, "Secret", ns, selector.Name, selector.Optional == true);

    private static string? Key(IReadOnlyDictionary<string, byte[]>? data, string key, string kind, string ns, string name, bool optional)
    {
        if (data is null) return null;
        if (data.TryGetValue(key, out var value)) return Encoding.UTF8.GetString(value);
        return optional ? null : throw Missing($"couldn't find key {key} in {kind} {ns}/{name}");
    }

    private static ContainerStartException Missing(string message) => new(ContainerStartException.ConfigError, message);
}
