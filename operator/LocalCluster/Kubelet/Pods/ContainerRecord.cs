using k8s.Models;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.LocalCluster.Kubelet.Pods;

/// <summary>
/// The kubelet's knowledge of one container of a pod: its state machine (waiting → running → terminated, and
/// back to waiting or running on a restart, the last termination kept as <c>lastState</c>), restart count, probe
/// outcomes and the logs of the current and previous instance. Guarded by the pod worker's lock.
/// </summary>
internal sealed class ContainerRecord(string name, string image, string initialReason = "ContainerCreating")
{
    public string Name { get; } = name;

    public string Image { get; } = image;

    public V1ContainerStateWaiting? Waiting { get; private set; } = new() { Reason = initialReason };

    public V1ContainerStateRunning? Running { get; private set; }

    public V1ContainerStateTerminated? Terminated { get; private set; }

    public V1ContainerStateTerminated? LastTerminated { get; private set; }

    public int RestartCount { get; private set; }

    /// <summary>Instances started so far (restartCount + 1 once the first one ran).</summary>
    public int Instances { get; private set; }

    public bool Started { get; set; }

    public bool Ready { get; set; }

    public string? ContainerId { get; private set; }

    public IContainerInstance? Instance { get; private set; }

    public ContainerLog? CurrentLog { get; private set; }

    public ContainerLog? PreviousLog { get; private set; }

    public void ToWaiting(string reason, string? message)
    {
        Retire();
        Waiting = new V1ContainerStateWaiting { Reason = reason, Message = message };
    }

    public void ToRunning(IContainerInstance instance, ContainerLog log)
    {
        Retire();
        if (Instances++ > 0) RestartCount++;
        PreviousLog = CurrentLog ?? PreviousLog;
        CurrentLog = log;
        Instance = instance;
        ContainerId = instance.ContainerId;
        Running = new V1ContainerStateRunning { StartedAt = Seconds(instance.StartedAt) };
        Started = false;
        Ready = false;
    }

    /// <summary>A start that failed before anything ran (StartError): it counts as an instance, as in Kubernetes.</summary>
    public void ToStartFailed(ContainerLog log, V1ContainerStateTerminated terminated)
    {
        Retire();
        if (Instances++ > 0) RestartCount++;
        PreviousLog = CurrentLog ?? PreviousLog;
        CurrentLog = log;
        Terminated = terminated;
    }

    public void ToTerminated(V1ContainerStateTerminated terminated)
    {
        Running = null;
        Waiting = null;
        Instance = null;
        Started = false;
        Ready = false;
        Terminated = terminated;
        Terminated.ContainerID = ContainerId;
    }

    public V1ContainerStatus ToStatus() => new()
    {
        Name = Name,
        Image = Image,
        ImageID = Image,
        ContainerID = ContainerId,
        RestartCount = RestartCount,
        Started = Running is not null && Started,
        Ready = Running is not null && Ready,
        State = new V1ContainerState { Waiting = Waiting, Running = Running, Terminated = Terminated },
        LastState = new V1ContainerState { Terminated = LastTerminated },
    };

    /// <summary>Kubernetes times have whole seconds.</summary>
    public static DateTime Seconds(DateTime time) =>
        new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>Leaving the terminated state: that termination becomes lastState.</summary>
    private void Retire()
    {
        if (Terminated is not null) LastTerminated = Terminated;
        Terminated = null;
        Running = null;
        Waiting = null;
    }
}
