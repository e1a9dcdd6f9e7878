using System.Text;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;

namespace LlmOperator.Operator.Reconciliation.Probing;

/// <summary>
/// The engine's API key, read from the Secret the resource references so that the operator's probe can authenticate.
/// It prints as [redacted]: a probe or a log line that formats it never shows the key.
/// </summary>
public sealed class EngineApiKey(string value)
{
    /// <summary>The variable both our engine and vLLM read the key from.</summary>
    public const string EnvironmentVariable = "VLLM_API_KEY";

    public string Value { get; } = value;

    public override string ToString() => "[redacted]";

    /// <summary>
    /// The key named by <c>spec.engine.apiKeySecretRef</c> (Key null when none is referenced), or the reason it cannot be
    /// read, naming the field and the fix. The Secret is read when needed rather than watched, so the operator holds
    /// no copy of every Secret in the cluster.
    /// </summary>
    public static async Task<(EngineApiKey? Key, string? Problem)> ReadAsync(IClusterClient client, V1Alpha1ModelDeployment md,
        CancellationToken cancellationToken)
    {
        if (md.Spec.Engine.ApiKeySecretRef is not { } reference) return (null, null);
        var ns = md.Metadata.NamespaceProperty;
        var secret = await client.GetAsync<V1Secret>(ns, reference.Name, cancellationToken).ConfigureAwait(false);
        var fix = $"create it: kubectl -n {ns} create secret generic {reference.Name} --from-literal={reference.Key}=YOUR_KEY";
        if (secret is null)
            return (null, $"spec.engine.apiKeySecretRef: Secret {ns}/{reference.Name} does not exist; {fix}");
        if (secret.Data?.TryGetValue(reference.Key, out var bytes) != true || bytes is not { Length: > 0 })
            return (null, $"spec.engine.apiKeySecretRef: Secret {ns}/{reference.Name} has no non-empty key {reference.Key}; " +
                          $"add it, or set spec.engine.apiKeySecretRef.key to one of its keys ({string.Join(", ", secret.Data?.Keys ?? [])})");
        var key = Encoding.UTF8.GetString(bytes);
        // The engine compares the variable as it is; a key with a newline (kubectl create secret --from-file keeps
        // the file's) could never be sent in an Authorization header, so no client could authenticate.
        if (key.Trim().Length != key.Length)
            return (null, $"spec.engine.apiKeySecretRef: the value of key {reference.Key} in Secret {ns}/{reference.Name} starts or ends with " +
                          "whitespace (a file's trailing newline?); recreate it with --from-literal or a file without the newline");
        return (new EngineApiKey(key), null);
    }
}
