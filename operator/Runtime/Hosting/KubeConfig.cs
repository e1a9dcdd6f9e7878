using k8s;
using k8s.Exceptions;

namespace LlmOperator.Operator.Runtime.Hosting;

/// <summary>
/// Where the operator finds its cluster: the file given; else $KUBECONFIG; else the pod's service account when it
/// runs in a pod; else ~/.kube/config.
/// </summary>
public static class KubeConfig
{
    public static KubernetesClientConfiguration Load(string? path)
    {
        try
        {
            if (path is not null)
            {
                if (!File.Exists(path)) throw new KubeConfigException($"--kubeconfig {path}: no such file. Give the path of a kubeconfig file.");
                return KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            }
            if (Environment.GetEnvironmentVariable("KUBECONFIG") is null && KubernetesClientConfiguration.IsInCluster())
                return KubernetesClientConfiguration.InClusterConfig();
            return KubernetesClientConfiguration.BuildDefaultConfig();
        }
        catch (KubeConfigException e)
        {
            throw new KubeConfigException(
                $"{e.Message} (the operator reads --kubeconfig, then $KUBECONFIG, then the in-cluster service account, then ~/.kube/config)");
        }
    }
}
