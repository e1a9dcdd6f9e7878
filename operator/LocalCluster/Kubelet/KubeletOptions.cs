using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.LocalCluster.Scheduling;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>How the local kubelet runs pods. Defaults are Kubernetes' own; tests shorten the back-off.</summary>
public sealed record KubeletOptions
{
    /// <summary>The nodes this kubelet registers and runs pods for.</summary>
    public LocalNodeOptions Nodes { get; init; } = new();

    /// <summary>Image → how to run it; <see cref="ImageMap.Default"/> is resolved at start when null.</summary>
    public ImageMap? Images { get; init; }

    /// <summary>The first CrashLoopBackOff delay (kubelet: 10 s), doubled per restart.</summary>
    public TimeSpan CrashLoopBackOffInitial { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest CrashLoopBackOff delay (kubelet: 5 min).</summary>
    public TimeSpan CrashLoopBackOffMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A container that ran this long starts its back-off over (kubelet: twice the maximum).</summary>
    public TimeSpan? CrashLoopBackOffReset { get; init; }

    /// <summary>When the kubelet itself stops, containers get their grace period but at most this long.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The node's Hugging Face hub cache: the engine image's containers get <c>HF_HUB_CACHE</c> pointing here, as a
    /// node's cache mounted by hostPath would be, so <c>--model ORG/NAME</c> finds what was put here (e.g. by
    /// <c>make-model --hf-cache</c>). Null: a <c>model-cache</c> folder under <see cref="WorkRoot"/>.
    /// </summary>
    public string? ModelCache { get; init; }

    /// <summary>Where pod folders (volumes, termination-message files) go; a fresh temp folder when null.</summary>
    public string? WorkRoot { get; init; }

    /// <summary>
    /// Whether processes inherit the host's environment under the container's own variables. On by default:
    /// host programs need PATH, HOME, DOTNET_ROOT... A real container sees only its image's and pod's variables.
    /// </summary>
    public bool InheritHostEnvironment { get; init; } = true;

    internal TimeSpan BackOffReset => CrashLoopBackOffReset ?? CrashLoopBackOffMax * 2;
}
