using LlmOperator.LocalCluster.Kubelet.Processes;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// Everything needed to start one container instance: how (<see cref="Runtime"/>), the translated command line,
/// environment and working directory, the host file standing for its terminationMessagePath, and the pod's ports.
/// </summary>
internal sealed record ContainerLaunch(
    ImageRuntime Runtime,
    ProcessLaunch Process,
    string TerminationMessageFile,
    PortTable Ports,
    PathMapping Paths)
{
    /// <summary>Environment names every container gets, pointing at its termination-message file on the host.</summary>
    public const string EngineTerminationLogVariable = "ENGINE_TERMINATION_LOG_PATH";

    public const string TerminationMessageVariable = "TERMINATION_MESSAGE_PATH";
}
