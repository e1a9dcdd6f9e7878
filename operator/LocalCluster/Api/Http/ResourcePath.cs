using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Http;

/// <summary>
/// What a REST path names, after <c>/api/v1</c> or <c>/apis/{group}/{version}</c>:
/// <c>{plural}</c>, <c>{plural}/{name}[/{sub}]</c>, <c>namespaces/{ns}/{plural}[/{name}[/{sub}]]</c>.
/// <see cref="Namespace"/> is null for cluster-scoped kinds and for all-namespaces collections.
/// </summary>
public sealed record ResourcePath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public bool IsCollection => Name is null;

    /// <summary>"deployments" or "deployments/scale": the resource as fault rules and errors name it.</summary>
    public string Resource => Subresource is null ? Type.Plural : $"{Type.Plural}/{Subresource}";

    /// <summary>Resolves the segments against the served kinds; null when nothing is served there (404).</summary>
    public static ResourcePath? Parse(ResourceRegistry registry, string group, string version, IReadOnlyList<string> segments)
    {
        if (segments.Count == 0 || segments.Any(s => s.Length == 0)) return null;

        // namespaces/{ns}/{plural}... names a namespaced kind; namespaces/{name}/{sub} a namespace's subresource.
        if (segments[0] == "namespaces" && segments.Count >= 3 &&
            registry.Find(group, version, segments[2]) is { Namespaced: true } namespaced)
        {
            return segments.Count switch
            {
                3 => new(namespaced, segments[1], null, null),
                4 => new(namespaced, segments[1], segments[3], null),
                5 => new(namespaced, segments[1], segments[3], segments[4]),
                _ => null,
            };
        }

        if (registry.Find(group, version, segments[0]) is not { } type) return null;
        return segments.Count switch
        {
            1 => new(type, null, null, null),
            2 when !type.Namespaced => new(type, null, segments[1], null),
            3 when !type.Namespaced => new(type, null, segments[1], segments[2]),
            _ => null,
        };
    }
}
