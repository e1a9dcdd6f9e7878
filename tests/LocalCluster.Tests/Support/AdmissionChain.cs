using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Support;

/// <summary>
/// What the API server does with admission plugins before it stores: mutating plugins in order, each seeing the
/// previous one's object, then validating ones; warnings gathered. Then the write to the store.
/// </summary>
internal sealed class AdmissionChain(ObjectStore store, params IAdmissionPlugin[] plugins)
{
    public List<string> Warnings { get; } = new();

    public async Task<JsonObject?> AdmitAsync(AdmissionRequest request)
    {
        var current = request;
        foreach (var plugin in plugins.Where(p => p.Mutates))
        {
            var outcome = await plugin.AdmitAsync(current, CancellationToken.None);
            Warnings.AddRange(outcome.Warnings);
            current = current with { Object = outcome.Object };
        }

        foreach (var plugin in plugins.Where(p => !p.Mutates))
        {
            Warnings.AddRange((await plugin.AdmitAsync(current, CancellationToken.None)).Warnings);
        }

        return current.Object;
    }

    public async Task<JsonObject> CreateAsync(ResourceType type, JsonObject obj)
    {
        var name = (string?)obj["metadata"]?["name"] ?? "";
        var ns = type.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;
        if (ns is not null) obj["metadata"]!["namespace"] = ns;
        var admitted = await AdmitAsync(new AdmissionRequest(type, AdmissionOperation.Create, ns, name, obj, null));
        return store.Create(type, admitted!);
    }

    public async Task<JsonObject> UpdateAsync(ResourceType type, JsonObject obj)
    {
        var name = (string?)obj["metadata"]?["name"] ?? "";
        var ns = type.Namespaced ? (string?)obj["metadata"]?["namespace"] : null;
        var old = store.Get(type, ns, name);
        var admitted = await AdmitAsync(new AdmissionRequest(type, AdmissionOperation.Update, ns, name, obj, old));
        return store.Update(type, admitted!);
    }
}
