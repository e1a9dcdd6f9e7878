using System.Text.Json.Nodes;
using k8s;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// KubernetesClient's typed models (V1Pod, V1Deployment, ...) over the JSON store, for the
/// in-process controllers and kubelet. Serialisation goes through <see cref="KubernetesJson"/>,
/// the client's own settings, so what they write is what an HTTP client would send.
/// </summary>
public static class TypedObjectStore
{
    public static T? Get<T>(this ObjectStore store, ResourceType type, string? ns, string name)
        where T : class => store.Get(type, ns, name) is { } found ? FromJson<T>(found) : null;

    public static IReadOnlyList<T> List<T>(this ObjectStore store, ResourceType type, string? ns) =>
        store.List(type, ns).Items.Select(FromJson<T>).ToList();

    public static T Create<T>(this ObjectStore store, ResourceType type, T obj) =>
        FromJson<T>(store.Create(type, ToJson(obj)));

    public static T Update<T>(this ObjectStore store, ResourceType type, T obj, ObjectStore.UpdateScope scope = ObjectStore.UpdateScope.Main) =>
        FromJson<T>(store.Update(type, ToJson(obj), scope));

    public static T FromJson<T>(JsonObject obj) => KubernetesJson.Deserialize<T>(obj.ToJsonString());

    public static JsonObject ToJson<T>(T obj) =>
        JsonNode.Parse(KubernetesJson.Serialize(obj))?.AsObject() ?? throw new InvalidOperationException("serialised to null");
}
