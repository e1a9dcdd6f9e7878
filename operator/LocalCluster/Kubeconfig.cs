using k8s;
using k8s.KubeConfigModels;

namespace LlmOperator.LocalCluster;

/// <summary>
/// The kubeconfig that points kubectl and clients at the local API server: one cluster, one context
/// with namespace default, and a user without credentials (the server is plain HTTP on loopback and
/// authenticates no one, which kubectl accepts: <c>user: {}</c>). Written with KubernetesClient's own
/// kubeconfig model, so what it writes is what the client reads.
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
        Users = [new User { Name = Name, UserCredentials = new UserCredentials() }],
    };

    /// <summary>Writes the kubeconfig for <paramref name="server"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, Uri server)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);
        File.WriteAllText(path, KubernetesYaml.Serialize(For(server)));
    }
}
