namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>How the kubelet runs a container of an image.</summary>
public enum ImageRuntime
{
    /// <summary>A host process: the image's entrypoint (if mapped) followed by the container's command and args.</summary>
    HostProcess,

    /// <summary>No process: an in-process imitation of the engine's HTTP contract, for scale tests (see StandInContainer).</summary>
    StandIn,
}

/// <summary>
/// One mapping: every tag or digest of <paramref name="Repository"/> runs with <paramref name="Runtime"/>.
/// <paramref name="Entrypoint"/> plays the image's ENTRYPOINT: a container's <c>command</c> replaces it, its
/// <c>args</c> follow it, as in Kubernetes. When the entrypoint cannot be provided (the engine is not built),
/// <paramref name="Unavailable"/> says why and how to fix it; such containers fail with CreateContainerError.
/// <paramref name="Programs"/> are the programs on the image's PATH, as host command lines: a <c>command</c> naming one
/// (the operator's <c>[llm-engine, serve]</c>) runs that. <paramref name="Environment"/> plays the image's ENV: the
/// container's own <c>env</c> overrides it.
/// </summary>
public sealed record ImageRule(string Repository, ImageRuntime Runtime, IReadOnlyList<string>? Entrypoint = null, string? Unavailable = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? Programs = null, IReadOnlyDictionary<string, string>? Environment = null);

/// <summary>
/// Image → how to run it. There is no registry and no container runtime: images are names. The engine image
/// runs the engine built in this checkout, the stand-in image runs nothing, and any other image runs its
/// container's <c>command</c>/<c>args</c> literally on the host (so <c>busybox</c> with <c>/bin/sh -c ...</c>
/// or <c>python</c> with <c>python3 -m http.server</c> work where the host has those programs).
/// </summary>
public sealed class ImageMap(IReadOnlyList<ImageRule> rules)
{
    /// <summary>The engine image the operator renders (any tag).</summary>
    public const string EngineRepository = "ghcr.io/llmoperator/engine";

    /// <summary>The lightweight stand-in for scale tests (any tag).</summary>
    public const string StandInRepository = "llmoperator/stand-in";

    public IReadOnlyList<ImageRule> Rules { get; } = rules;

    /// <summary>The engine's program on its image's PATH, which the operator's pods run as their command.</summary>
    public const string EngineProgram = "llm-engine";

    /// <summary>
    /// The engine image → <c>dotnet LlmOperator.Engine.dll</c> of this checkout, as its entrypoint and as its
    /// <see cref="EngineProgram"/>; the stand-in image → no process.
    /// </summary>
    public static ImageMap Default()
    {
        var engine = EngineLocator.Find() is { } dll
            ? new ImageRule(EngineRepository, ImageRuntime.HostProcess, [EngineLocator.DotnetHost(), dll],
                Programs: new Dictionary<string, IReadOnlyList<string>> { [EngineProgram] = [EngineLocator.DotnetHost(), dll] })
            : new ImageRule(EngineRepository, ImageRuntime.HostProcess, Unavailable: EngineLocator.NotFoundMessage());
        return new ImageMap([engine, new ImageRule(StandInRepository, ImageRuntime.StandIn)]);
    }

    /// <summary>This map with another rule in front (it wins over an existing rule for the same repository).</summary>
    public ImageMap With(ImageRule rule) => new([rule, .. Rules.Where(r => r.Repository != rule.Repository)]);

    /// <summary>This map with <paramref name="variables"/> added to the ENV of <paramref name="repository"/>'s rule, if it has one.</summary>
    public ImageMap WithEnvironment(string repository, IReadOnlyDictionary<string, string> variables) =>
        new([.. Rules.Select(r => r.Repository != repository ? r : r with
        {
            Environment = new Dictionary<string, string>((r.Environment ?? new Dictionary<string, string>()).Concat(variables)
                .GroupBy(v => v.Key).Select(g => g.Last()), StringComparer.Ordinal),
        })]);

    /// <summary>The rule for an image; images without one run their command as a host process.</summary>
    public ImageRule Resolve(string? image)
    {
        var repository = Repository(image ?? "");
        return Rules.FirstOrDefault(r => Repository(r.Repository) == repository)
            ?? new ImageRule(repository, ImageRuntime.HostProcess);
    }

    /// <summary>
    /// The image name without tag or digest, normalised as Docker does (<c>docker.io/library/x</c> = <c>x</c>):
    /// <c>ghcr.io/llmoperator/engine:0.1@sha256:...</c> → <c>ghcr.io/llmoperator/engine</c>.
    /// </summary>
    public static string Repository(string image)
    {
        var name = image.Split('@')[0];
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > lastSlash) name = name[..colon];
        foreach (var prefix in new[] { "docker.io/library/", "docker.io/", "index.docker.io/" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return name[prefix.Length..];
        }

        return name.StartsWith("library/", StringComparison.Ordinal) ? name["library/".Length..] : name;
    }
}
