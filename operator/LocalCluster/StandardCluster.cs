using LlmOperator.LocalCluster.Controllers;
using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.Scheduling;
using LlmOperator.LocalCluster.ServiceProxy;
using LlmOperator.LocalCluster.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.LocalCluster;

/// <summary>
/// The whole single-machine control plane, wired in kube-apiserver's admission order and the order components
/// depend on each other: CRD handling, controllers, scheduler, kubelet (nodes first), service proxy. The `cluster`
/// command, the operator's `up` and the end-to-end tests all start this one.
/// </summary>
public static class StandardCluster
{
    /// <param name="modelCache">The nodes' Hugging Face hub cache (<see cref="KubeletOptions.ModelCache"/>); null: the kubelet's option, else a temporary one.</param>
    public static LocalClusterOptions Options(int port = 0, string? kubeconfig = null, int gpusPerNode = 8, int nodes = 1,
        KubeletOptions? kubelet = null, string? modelCache = null)
    {
        // Webhooks reach Services through the proxy, which exists only once components start: resolve late.
        LoopbackServiceProxy? proxy = null;
        var webhooks = new WebhookClient((ns, name, servicePort) => proxy?.Resolve(ns, name, servicePort, "https"));
        var kubeletOptions = (kubelet ?? new KubeletOptions()) with
        {
            Nodes = (kubelet?.Nodes ?? new LocalNodeOptions()) with { Count = nodes, GpusPerNode = gpusPerNode },
            ModelCache = modelCache ?? kubelet?.ModelCache,
        };
        return new LocalClusterOptions
        {
            Port = port,
            KubeconfigPath = kubeconfig,
            GpusPerNode = gpusPerNode,
            Nodes = nodes,
            ModelCache = kubeletOptions.ModelCache,
            AdmissionPlugins =
            [
                _ => new CrdDefaulting(),
                _ => new CustomResourceDefaulting(),
                c => new MutatingWebhookAdmission(c.Store, webhooks, Loggers(c).CreateLogger<MutatingWebhookAdmission>()),
                // kube-apiserver prunes and defaults again after mutating webhooks.
                _ => new CustomResourceDefaulting(),
                _ => new CrdValidation(),
                _ => new CustomResourceValidation(),
                c => new ValidatingWebhookAdmission(c.Store, webhooks, Loggers(c).CreateLogger<ValidatingWebhookAdmission>()),
            ],
            Components =
            [
                c => new CrdController(c.Store, c.Registry, Loggers(c).CreateLogger<CrdController>()),
                c => new ControllerManager(c.Store, c.Registry, new ControllerOptions { Loggers = Loggers(c) }),
                c => new LocalKubelet(c.Store, kubeletOptions),
                c => new PodScheduler(c.Store),
                c => proxy = new LoopbackServiceProxy(c.Store),
                _ => new Disposer(webhooks),
            ],
        };
    }

    /// <summary>Where the components log: the cluster's loggers (the cluster command's stderr), or nowhere.</summary>
    private static ILoggerFactory Loggers(ClusterContext context) => context.Options.Loggers ?? NullLoggerFactory.Instance;
}

/// <summary>Disposes a shared resource of the plugins when the cluster stops (components are disposed in reverse).</summary>
internal sealed class Disposer(IDisposable resource) : IClusterComponent
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        resource.Dispose();
        return ValueTask.CompletedTask;
    }
}
