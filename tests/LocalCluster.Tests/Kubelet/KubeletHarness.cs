using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Kubelet;

/// <summary>
/// A store with a running <see cref="LocalKubelet"/> on one node. Pods are created already bound to the node (the
/// scheduler has its own tests). Every wait is bounded, and disposal stops every process the kubelet started.
/// </summary>
internal sealed class KubeletHarness : IAsyncDisposable
{
    public const string Node = "local-node-1";
    public const string Namespace = "default";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private KubeletHarness(ObjectStore store, LocalKubelet kubelet)
    {
        Store = store;
        Kubelet = kubelet;
    }

    public ObjectStore Store { get; }

    public LocalKubelet Kubelet { get; }

    /// <summary>A kubelet with a fast CrashLoopBackOff (tests must not wait 10 s per restart).</summary>
    public static async Task<KubeletHarness> StartAsync(KubeletOptions? options = null)
    {
        var store = new ObjectStore();
        var kubelet = new LocalKubelet(store, options ?? new KubeletOptions
        {
            CrashLoopBackOffInitial = TimeSpan.FromMilliseconds(500),
            ShutdownGracePeriod = TimeSpan.FromSeconds(2),
        });
        await kubelet.StartAsync(CancellationToken.None);
        return new KubeletHarness(store, kubelet);
    }

    public V1Pod Create(V1Pod pod)
    {
        pod.Metadata.NamespaceProperty ??= Namespace;
        pod.Spec.NodeName ??= Node;
        return Store.Create(BuiltInTypes.Pods, pod);
    }

    public V1Pod? Get(string name) => Store.Get<V1Pod>(BuiltInTypes.Pods, Namespace, name);

    /// <summary>Waits until the pod satisfies <paramref name="condition"/>; fails with the pod's last state otherwise.</summary>
    public async Task<V1Pod> WaitAsync(string name, Func<V1Pod, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        V1Pod? pod = null;
        while (DateTime.UtcNow < deadline)
        {
            pod = Get(name);
            if (pod is not null && condition(pod)) return pod;
            await Task.Delay(50);
        }

        throw new TimeoutException($"pod {name} did not become {what} within {Timeout}: {k8s.KubernetesJson.Serialize(pod?.Status)}");
    }

    public async Task WaitGoneAsync(string name)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (Get(name) is not null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pod {name} was not removed within {Timeout}");
            await Task.Delay(50);
        }
    }

    public IReadOnlyList<Corev1Event> Events(string involvedName) =>
        Store.List<Corev1Event>(BuiltInTypes.Events, Namespace).Where(e => e.InvolvedObject.Name == involvedName).ToList();

    public ValueTask DisposeAsync() => Kubelet.DisposeAsync();

    /// <summary>A pod of one container running <c>/bin/sh -c script</c>.</summary>
    public static V1Pod ShellPod(string name, string script, string restartPolicy = "Always") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = 2,
            Containers = [new V1Container { Name = "main", Image = "busybox:1.36", Command = ["/bin/sh", "-c", script] }],
        },
    };

    public static V1ContainerStatus Container(V1Pod pod, string name = "main") =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == name) ?? new V1ContainerStatus { Name = name };

    public static bool Condition(V1Pod pod, string type) =>
        pod.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;
}
