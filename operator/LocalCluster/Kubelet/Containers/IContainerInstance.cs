using LlmOperator.LocalCluster.Kubelet.Processes;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>One running instance of a container (a restart makes a new one).</summary>
internal interface IContainerInstance
{
    /// <summary><c>localcluster://&lt;id&gt;</c>, the containerID of the status.</summary>
    string ContainerId { get; }

    DateTime StartedAt { get; }

    /// <summary>The host process id (its process group id too), or null for the stand-in.</summary>
    int? ProcessId { get; }

    /// <summary>The exit code once the instance is gone: 128 + N when a signal N ended it.</summary>
    Task<int> Exited { get; }

    /// <summary>SIGTERM: asks the container to stop.</summary>
    void Terminate();

    /// <summary>SIGKILL: ends it now.</summary>
    void Kill();
}

internal static class ContainerInstanceExtensions
{
    /// <summary>The kubelet's stop: SIGTERM, up to <paramref name="grace"/> to exit, then SIGKILL. Returns the exit code.</summary>
    public static async Task<int> StopAsync(this IContainerInstance instance, TimeSpan grace)
    {
        if (!instance.Exited.IsCompleted)
        {
            if (grace > TimeSpan.Zero)
            {
                instance.Terminate();
                await Task.WhenAny(instance.Exited, Task.Delay(grace)).ConfigureAwait(false);
            }

            if (!instance.Exited.IsCompleted) instance.Kill();
        }

        return await instance.Exited.ConfigureAwait(false);
    }
}

/// <summary>A container running as a host process group.</summary>
internal sealed class HostProcessContainer(HostProcess process) : IContainerInstance
{
    public string ContainerId { get; } = "localcluster://" + Guid.NewGuid().ToString("N");

    public DateTime StartedAt => process.StartedAt;

    public int? ProcessId => process.Id;

    public Task<int> Exited => process.Exited;

    public void Terminate() => process.Terminate();

    public void Kill() => process.Kill();
}
