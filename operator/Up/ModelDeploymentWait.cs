using k8s;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Up;

/// <summary>
/// Applies a ModelDeployment and waits until it is Ready the way <c>kubectl wait --for=condition=Ready</c> does (the
/// condition True for the current generation), reporting each phase it passes through.
/// </summary>
public static class ModelDeploymentWait
{
    /// <summary>Creates the resource of a YAML file (refused by admission: an <see cref="UpException"/> with the reason).</summary>
    public static async Task<V1Alpha1ModelDeployment> CreateAsync(IKubernetes client, string manifest, CancellationToken cancellationToken)
    {
        var md = KubernetesYaml.Deserialize<V1Alpha1ModelDeployment>(await File.ReadAllTextAsync(manifest, cancellationToken));
        var ns = md.Metadata.NamespaceProperty ??= "default";
        try
        {
            return await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(md, V1Alpha1ModelDeployment.Group,
                V1Alpha1ModelDeployment.Version, ns, V1Alpha1ModelDeployment.Plural, cancellationToken: cancellationToken);
        }
        catch (k8s.Autorest.HttpOperationException e)
        {
            throw new UpException($"{manifest} was refused ({(int)e.Response.StatusCode}): {e.Response.Content}");
        }
    }

    public static async Task<V1Alpha1ModelDeployment> UntilReadyAsync(IKubernetes client, string ns, string name, TimeSpan patience,
        TextWriter progress, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(patience);
        string? phase = null;
        V1Alpha1ModelDeployment md = null!;
        try
        {
            while (true)
            {
                md = await client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(V1Alpha1ModelDeployment.Group,
                    V1Alpha1ModelDeployment.Version, ns, V1Alpha1ModelDeployment.Plural, name, cancellationToken: timeout.Token);
                if (md.Status?.Phase is { } now && now != phase)
                {
                    phase = now;
                    await progress.WriteLineAsync($"  {ns}/{name}: {now}{Because(md)}");
                }
                if (IsReady(md)) return md;
                await Task.Delay(250, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpException($"{ns}/{name} was not Ready within {patience.TotalSeconds:0} s (phase {phase ?? "none"}){Because(md)}; " +
                                  "see `kubectl describe md` and `kubectl logs` of its pods.");
        }
    }

    /// <summary>Ready=True with observedGeneration at the resource's generation, on the condition and on the status.</summary>
    public static bool IsReady(V1Alpha1ModelDeployment md)
    {
        var ready = md.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return ready?.Status == "True" && ready.ObservedGeneration >= md.Metadata.Generation
            && md.Status!.ObservedGeneration >= md.Metadata.Generation;
    }

    private static string Because(V1Alpha1ModelDeployment? md) =>
        md?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { Status: "False", Message: { Length: > 0 } message }
            ? $" ({message})"
            : "";
}
