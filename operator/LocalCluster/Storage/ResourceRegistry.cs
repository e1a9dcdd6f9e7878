using System.Collections.Concurrent;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// Which kinds the API server serves right now: the built-in ones from start-up, and the kinds of
/// Established CustomResourceDefinitions, added and removed at run time. Discovery, OpenAPI, routing
/// and Table output all read it, so a CRD applied from crds/ is served at once.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ResourceType> _types = new();

    public ResourceRegistry(IEnumerable<ResourceType>? initial = null)
    {
        foreach (var type in initial ?? BuiltInTypes.All) Add(type);
    }

    /// <summary>Raised after a kind is added, replaced or removed (discovery caches and CRD watchers listen).</summary>
    public event Action? Changed;

    public IReadOnlyList<ResourceType> All =>
        _types.Values.OrderBy(t => t.Group, StringComparer.Ordinal).ThenBy(t => t.Plural, StringComparer.Ordinal).ToList();

    public void Add(ResourceType type)
    {
        _types[(type.Group, type.Version, type.Plural)] = type;
        Changed?.Invoke();
    }

    public void Remove(string group, string version, string plural)
    {
        if (_types.TryRemove((group, version, plural), out _)) Changed?.Invoke();
    }

    /// <summary>Resolves a URL's group/version/resource; null when not served (404).</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        _types.TryGetValue((group, version, plural), out var type) ? type : null;

    public ResourceType? FindKind(string apiVersion, string kind) =>
        _types.Values.FirstOrDefault(t => t.ApiVersion == apiVersion && t.Kind == kind);
}
