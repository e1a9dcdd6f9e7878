namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// A container that cannot be started, with the kubelet's waiting reason: <c>CreateContainerConfigError</c> (a
/// missing ConfigMap, Secret or key), <c>CreateContainerError</c> (nothing to run), or <c>StartError</c> (the
/// command cannot be executed; Kubernetes reports it as a termination with exit code 128).
/// </summary>
public sealed class ContainerStartException(string reason, string message) : Exception(message)
{
    public const string ConfigError = "CreateContainerConfigError";
    public const string CreateError = "CreateContainerError";
    public const string StartError = "StartError";

    public string Reason { get; } = reason;
}
