using System.Security.Cryptography;
using k8s;
using k8s.KubeConfigModels;

namespace LlmOperator.LocalCluster;

/// <summary>
/// The kubeconfig that points kubectl and clients at the local API server: one cluster, one context
/// with namespace default, one user. The server is plain HTTP on loopback and authenticates no one;
/// kubectl would accept <c>user: {}</c>, but KubernetesClient refuses a kubeconfig user without
/// credentials, so the user carries a bearer token (random per cluster, ignored by the server).
/// Written with KubernetesClient's own kubeconfig model, so what it writes is what the client reads.
/// </summary>
public static class Kubeconfig
{
    public const string Name = "llm-operator-local";

    public static K8SConfiguration For(Uri server) => new()
    {
        ApiVersion = "v1",
        Kind = "Config",
        CurrentContext = Name,
        Clusters = [new Cluster { Name = Name, ClusterEndpoint = new ClusterEndpoint { Server = server.GetLeftPart(UriPartial.Authority) } }],
        Contexts = [new Context { Name = Name, ContextDetails = new ContextDetails { Cluster = Name, User = Name, Namespace = "default" } }],
        Users = [new User { Name = Name, UserCredentials = new UserCredentials { Token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant() } }],
    };

    /// <summary>Writes the kubeconfig for <paramref name="server"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, Uri server)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        // Owner-only, as kubectl writes kubeconfigs: it names a server that runs processes.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.Write(KubernetesYaml.Serialize(For(server)));
    }
}
