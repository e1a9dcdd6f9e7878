using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Revisions;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Telemetry;
using LlmOperator.Operator.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.Operator.Tests.Reconciliation.Support;

/// <summary>
/// A reconciler on a fake cluster, with stand-ins for the controllers that are not the operator: the Deployment
/// controller and kubelet (<see cref="RunDeploymentController"/>), a crashing engine (<see cref="FailPod"/>), a user
/// editing the spec (<see cref="EditSpec"/>).
/// </summary>
public sealed class ReconcilerHarness : IDisposable
{
    public const string Ns = "ml", Name = "tiny";

    private readonly HashSet<string> _podNames = [];

    public FakeClusterClient Cluster { get; } = new();
    public FakeProber Prober { get; } = new();
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    public OperatorMetrics Metrics { get; } = new();
    public ModelDeploymentReconciler Reconciler { get; }

    public ReconcilerHarness(Action<ModelDeploymentSpec>? spec = null)
    {
        Reconciler = new ModelDeploymentReconciler(Cluster, Prober, Metrics, Clock, NullLoggerFactory.Instance);
        var resource = new V1Alpha1ModelDeployment
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = Ns },
            Spec = new ModelDeploymentSpec
            {
                Model = new ModelSpec { Name = "llmoperator/tiny-llama4" },
                Engine = new EngineSpec { TensorParallelSize = 1, MaxModelLen = 4096, Dtype = "float32", MaxNumSeqs = 32, MaxNumBatchedTokens = 2048 },
                Replicas = 2,
                Resources = new ResourcesSpec { Gpu = new GpuSpec { Memory = "16Gi", PerNode = 8 } },
            },
        };
        spec?.Invoke(resource.Spec);
        Cluster.Put(resource);
    }

    public V1Alpha1ModelDeployment Resource => Cluster.Read<V1Alpha1ModelDeployment>(Ns, Name)!;
    public ModelDeploymentStatus Status => Resource.Status!;
    public V1Deployment? Deployment => Cluster.Read<V1Deployment>(Ns, Name);
    public string? DeployedRevision => Deployment?.Spec.Template.Metadata.Labels[EngineLabels.Revision];
    public List<Revision> Revisions => Cluster.All<V1ControllerRevision>().Select(r => new Revision(r)).OrderByDescending(r => r.Number).ToList();
    public Revision RevisionOf(string hash) => Revisions.Single(r => r.Hash == hash);
    public List<Corev1Event> Events => Cluster.All<Corev1Event>();
    public List<V1Pod> Pods => Cluster.All<V1Pod>().OrderBy(p => p.Metadata.Name).ToList();

    public V1Condition Condition(string type) => Status.Conditions!.Single(c => c.Type == type);

    public Task<ReconcileResult> ReconcileAsync() => Reconciler.ReconcileAsync(Resource, CancellationToken.None);

    /// <summary>Reconciles, lets the Deployment controller and kubelet act, and reconciles until nothing changes.</summary>
    public async Task<ReconcileResult> SettleAsync(int rounds = 4)
    {
        ReconcileResult result = await ReconcileAsync();
        for (int i = 0; i < rounds; i++)
        {
            RunDeploymentController();
            result = await ReconcileAsync();
        }
        return result;
    }

    /// <summary>Brings a first rollout to Good: pods Ready, minReadySeconds passed, probe answered.</summary>
    public async Task<string> RolloutGoodAsync()
    {
        await SettleAsync();
        Clock.Advance(TimeSpan.FromSeconds(Resource.Spec.Rollout.MinReadySeconds + 1));
        await SettleAsync(1);
        Assert.Equal(RevisionOutcome.Good, RevisionOf(DeployedRevision!).Outcome);
        return DeployedRevision!;
    }

    public void EditSpec(Action<ModelDeploymentSpec> change) => Cluster.Mutate<V1Alpha1ModelDeployment>(Ns, Name, md =>
    {
        change(md.Spec);
        md.Metadata.Generation++;
    });

    /// <summary>
    /// What the Deployment controller, ReplicaSets and kubelet would do: one pod with ready containers per replica of
    /// the current template, on nodes node-0, node-1, ... (Ready once its readiness gate is True); pods of other
    /// templates removed; the Deployment's status caught up.
    /// </summary>
    public void RunDeploymentController()
    {
        var deployment = Deployment;
        if (deployment is null) return;
        var template = deployment.Spec.Template;
        var revision = template.Metadata.Labels[EngineLabels.Revision];
        foreach (var pod in Pods.Where(p => p.Metadata.Labels[EngineLabels.Revision] != revision))
            Cluster.Remove<V1Pod>(Ns, pod.Metadata.Name);
        int replicas = deployment.Spec.Replicas ?? 1;
        var existing = Pods.Where(p => p.Metadata.Labels[EngineLabels.Revision] == revision).ToList();
        for (int i = 0; i < replicas; i++)
        {
            if (existing.Any(p => p.Spec.NodeName == $"node-{i}")) continue;
            // A ReplicaSet names every new pod afresh: a recreated pod is a new pod.
            var name = $"{Name}-{revision}-{i}";
            for (int k = 1; !_podNames.Add(name); k++) name = $"{Name}-{revision}-{i}r{k}";
            Cluster.Put(ReadyPod(name, template, $"node-{i}"));
        }
        foreach (var extra in existing.Where(p => int.Parse(p.Spec.NodeName["node-".Length..]) >= replicas))
            Cluster.Remove<V1Pod>(Ns, extra.Metadata.Name);
        foreach (var pod in Pods) Cluster.Mutate<V1Pod>(Ns, pod.Metadata.Name, ApplyReadinessGates);
        int ready = Pods.Count(p => p.Status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True"));
        Cluster.Mutate<V1Deployment>(Ns, Name, d => d.Status = new V1DeploymentStatus
        {
            ObservedGeneration = d.Metadata.Generation,
            Replicas = replicas,
            UpdatedReplicas = replicas,
            ReadyReplicas = ready,
            AvailableReplicas = ready,
        });
    }

    /// <summary>The engine in <paramref name="pod"/> died <paramref name="times"/> times with a termination message.</summary>
    public void FailPod(string pod, string message, int times = 1, int exitCode = 1) => Cluster.Mutate<V1Pod>(Ns, pod, p =>
    {
        var status = p.Status.ContainerStatuses[0];
        status.Ready = false;
        status.RestartCount = times;
        status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } };
        status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated
        {
            ExitCode = exitCode, Reason = "Error", Message = message, FinishedAt = Clock.GetUtcNow().UtcDateTime,
        } };
        p.Status.Conditions = [.. p.Status.Conditions.Where(c => c.Type is not ("Ready" or "ContainersReady")),
            new V1PodCondition { Type = "ContainersReady", Status = "False" }, new V1PodCondition { Type = "Ready", Status = "False" }];
    });

    /// <summary>
    /// The kubelet's Ready: containers ready and every readiness gate's condition True (set by the operator after its
    /// probe); lastTransitionTime moves only when Ready flips.
    /// </summary>
    public void ApplyReadinessGates(V1Pod pod)
    {
        bool containersReady = pod.Status.Conditions.Any(c => c.Type == "ContainersReady" && c.Status == "True");
        bool gatesMet = (pod.Spec.ReadinessGates ?? []).All(g => pod.Status.Conditions.Any(c => c.Type == g.ConditionType && c.Status == "True"));
        var ready = containersReady && gatesMet ? "True" : "False";
        var current = pod.Status.Conditions.FirstOrDefault(c => c.Type == "Ready");
        if (current?.Status == ready) return;
        pod.Status.Conditions = [.. pod.Status.Conditions.Where(c => c.Type != "Ready"),
            new V1PodCondition { Type = "Ready", Status = ready, LastTransitionTime = Clock.GetUtcNow().UtcDateTime }];
    }

    private V1Pod ReadyPod(string name, V1PodTemplateSpec template, string node) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Labels = new Dictionary<string, string>(template.Metadata.Labels) },
        Spec = new V1PodSpec { NodeName = node, Containers = template.Spec.Containers, ReadinessGates = template.Spec.ReadinessGates },
        Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "10.0.0.1",
            Conditions =
            [
                new V1PodCondition { Type = "ContainersReady", Status = "True", LastTransitionTime = Clock.GetUtcNow().UtcDateTime },
                new V1PodCondition
                {
                    Type = "Ready", Status = template.Spec.ReadinessGates is { Count: > 0 } ? "False" : "True", LastTransitionTime = Clock.GetUtcNow().UtcDateTime,
                },
            ],
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = "engine", Ready = true, Image = template.Spec.Containers[0].Image, ImageID = "", RestartCount = 0,
                    State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = Clock.GetUtcNow().UtcDateTime } },
                },
            ],
        },
    };

    public void Dispose() => Metrics.Dispose();
}
