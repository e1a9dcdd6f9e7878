using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;

namespace LlmOperator.LocalCluster.Api;

/// <summary>
/// Runs the registered admission plugins in kube-apiserver's order: every mutating plugin first,
/// each seeing the previous one's output, then every validating plugin on the final object. A plugin
/// denies by throwing <see cref="Storage.ApiError"/>, which ends the chain and becomes the response.
/// Plugins may be added while the server runs (webhook configurations, CRD schemas).
/// </summary>
public sealed class AdmissionChain(IEnumerable<IAdmissionPlugin>? plugins = null)
{
    private readonly object _gate = new();
    private List<IAdmissionPlugin> _plugins = plugins?.ToList() ?? [];

    public void Add(IAdmissionPlugin plugin)
    {
        lock (_gate) _plugins = [.. _plugins, plugin];
    }

    /// <summary>The admitted object (null for deletes) and every plugin's warnings, in order.</summary>
    public async Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        List<IAdmissionPlugin> plugins;
        lock (_gate) plugins = _plugins;

        var warnings = new List<string>();
        var current = request;
        foreach (var plugin in plugins.Where(p => p.Mutates))
        {
            var outcome = await plugin.AdmitAsync(current, cancellationToken);
            warnings.AddRange(outcome.Warnings);
            if (outcome.Object is not null && current.Object is not null)
            {
                // Copy so a plugin keeping a reference to its output cannot change what is stored.
                current = current with { Object = (JsonObject)outcome.Object.DeepClone() };
            }
        }

        foreach (var plugin in plugins.Where(p => !p.Mutates))
        {
            var outcome = await plugin.AdmitAsync(current, cancellationToken);
            warnings.AddRange(outcome.Warnings);
        }

        return new AdmissionOutcome(current.Object, warnings);
    }
}
