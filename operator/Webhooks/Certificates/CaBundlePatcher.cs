using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Polly;

namespace LlmOperator.Operator.Webhooks.Certificates;

/// <summary>
/// Puts the CA into <c>clientConfig.caBundle</c> of every webhook of the named Validating- and
/// MutatingWebhookConfiguration, so the API server trusts the operator's certificate. Read, change, replace at the
/// read resourceVersion: a 409 (someone else wrote meanwhile) makes the pipeline run the whole read-modify-write
/// again. Writes nothing when the bundle is already there, so it can run on every replica and periodically (to
/// repair a bundle that a chart upgrade emptied).
/// </summary>
public sealed class CaBundlePatcher(IKubernetes kubernetes, ResiliencePipeline pipeline, ILogger logger)
{
    /// <summary>How many configurations were changed. A configuration that does not exist is logged and skipped.</summary>
    public async Task<int> EnsureAsync(string? validatingName, string? mutatingName, string caPem, CancellationToken cancellationToken)
    {
        var bundle = Encoding.UTF8.GetBytes(caPem);
        int changed = 0;
        if (validatingName is not null &&
            await PatchAsync("ValidatingWebhookConfiguration", validatingName, ct => ValidatingAsync(validatingName, bundle, ct), cancellationToken).ConfigureAwait(false))
            changed++;
        if (mutatingName is not null &&
            await PatchAsync("MutatingWebhookConfiguration", mutatingName, ct => MutatingAsync(mutatingName, bundle, ct), cancellationToken).ConfigureAwait(false))
            changed++;
        return changed;
    }

    private async Task<bool> ValidatingAsync(string name, byte[] bundle, CancellationToken cancellationToken)
    {
        var api = kubernetes.AdmissionregistrationV1;
        var configuration = await api.ReadValidatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!Apply(configuration.Webhooks?.Select(w => w.ClientConfig), bundle)) return false;
        await api.ReplaceValidatingWebhookConfigurationAsync(configuration, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> MutatingAsync(string name, byte[] bundle, CancellationToken cancellationToken)
    {
        var api = kubernetes.AdmissionregistrationV1;
        var configuration = await api.ReadMutatingWebhookConfigurationAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!Apply(configuration.Webhooks?.Select(w => w.ClientConfig), bundle)) return false;
        await api.ReplaceMutatingWebhookConfigurationAsync(configuration, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Runs one read-modify-write; true when it wrote.</summary>
    private async Task<bool> PatchAsync(string kind, string name, Func<CancellationToken, Task<bool>> readModifyWrite, CancellationToken cancellationToken)
    {
        try
        {
            bool written = await pipeline.ExecuteAsync(async ct => await readModifyWrite(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (written) logger.LogInformation("Set the caBundle of {Kind} {Name}", kind, name);
            return written;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            logger.LogWarning("{Kind} {Name} does not exist, so its caBundle cannot be set; apply the output of `operator webhook-config`", kind, name);
            return false;
        }
    }

    /// <summary>Sets the bundle on every client config; true when one of them had another.</summary>
    private static bool Apply(IEnumerable<Admissionregistrationv1WebhookClientConfig>? configs, byte[] bundle)
    {
        bool changed = false;
        foreach (var config in configs ?? [])
        {
            if (config.CaBundle is { } current && current.AsSpan().SequenceEqual(bundle)) continue;
            config.CaBundle = bundle;
            changed = true;
        }
        return changed;
    }
}
