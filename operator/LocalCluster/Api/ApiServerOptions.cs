using LlmOperator.LocalCluster.Api.Auditing;

namespace LlmOperator.LocalCluster.Api;

/// <summary>Settings of the local API server.</summary>
public sealed record ApiServerOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>How often a watch with allowWatchBookmarks=true gets a BOOKMARK (kube-apiserver: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a paged list's continue token stays valid before 410 Expired.</summary>
    public TimeSpan ContinueTokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Told the RBAC attributes of every resource request (kube-apiserver's audit backend, in process); null records
    /// nothing and costs nothing.
    /// </summary>
    public IRequestRecorder? Audit { get; init; }

    /// <summary>Validates the settings, naming the bad one.</summary>
    public ApiServerOptions Validated()
    {
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "the API server port must be between 0 and 65535 (0 = any free port)");
        if (BookmarkInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BookmarkInterval), BookmarkInterval, "the bookmark interval must be positive");
        if (ContinueTokenLifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ContinueTokenLifetime), ContinueTokenLifetime, "the continue token lifetime must be positive");
        return this;
    }
}
