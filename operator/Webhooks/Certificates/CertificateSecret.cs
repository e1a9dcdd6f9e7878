using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Polly;

namespace LlmOperator.Operator.Webhooks.Certificates;

/// <summary>
/// A generated certificate shared by every operator replica through one kubernetes.io/tls Secret. The API server
/// calls whichever replica the Service picks and trusts one caBundle, so replicas that each made their own CA would
/// fail half the calls and overwrite each other's caBundle. The first replica creates the Secret; the others (and
/// restarts) use it while it is valid for the names and has <see cref="RenewBefore"/> left.
/// </summary>
public sealed class CertificateSecret(IKubernetes kubernetes, ResiliencePipeline pipeline, TimeProvider? clock = null)
{
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<CertificateBundle> GetOrCreateAsync(string @namespace, string name, IReadOnlyList<string> hostNames,
        TimeSpan validity, CancellationToken cancellationToken)
    {
        // Two replicas starting together both find no Secret; the loser's create answers 409 and it takes the winner's.
        for (int attempt = 0; ; attempt++)
        {
            var secret = await ReadAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
            if (secret is not null && Usable(secret, hostNames) is { } existing) return existing;
            var pem = SelfSignedCertificates.Create(hostNames, validity, _clock);
            try
            {
                await WriteAsync(secret, @namespace, name, pem, cancellationToken).ConfigureAwait(false);
                return pem;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 3)
            {
            }
        }
    }

    private async Task<V1Secret?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(async ct => await kubernetes.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: ct)
                .ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the Secret, or replaces the stale one at the resourceVersion it was read at (409 when another replica won).</summary>
    private Task WriteAsync(V1Secret? existing, string @namespace, string name, CertificateBundle pem, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, byte[]>
        {
            [ServingCertificate.CertificateFile] = Encoding.UTF8.GetBytes(pem.CertificatePem),
            [ServingCertificate.KeyFile] = Encoding.UTF8.GetBytes(pem.PrivateKeyPem),
            [ServingCertificate.CaFile] = Encoding.UTF8.GetBytes(pem.CaPem),
        };
        if (existing is null)
        {
            var secret = new V1Secret
            {
                ApiVersion = "v1", Kind = "Secret", Type = "kubernetes.io/tls", Data = data,
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace, Labels = new Dictionary<string, string>
                {
                    ["app.kubernetes.io/name"] = "llm-operator", ["app.kubernetes.io/component"] = "webhook",
                } },
            };
            return pipeline.ExecuteAsync(async ct => await kubernetes.CoreV1.CreateNamespacedSecretAsync(secret, @namespace, cancellationToken: ct)
                .ConfigureAwait(false), cancellationToken).AsTask();
        }
        existing.Data = data;
        return pipeline.ExecuteAsync(async ct => await kubernetes.CoreV1.ReplaceNamespacedSecretAsync(existing, name, @namespace, cancellationToken: ct)
            .ConfigureAwait(false), cancellationToken).AsTask();
    }

    /// <summary>The Secret's certificate when it loads, covers every name and is not due for renewal; else null.</summary>
    private CertificateBundle? Usable(V1Secret secret, IReadOnlyList<string> hostNames)
    {
        if (secret.Data is not { } data || !data.TryGetValue(ServingCertificate.CertificateFile, out var crt) ||
            !data.TryGetValue(ServingCertificate.KeyFile, out var key) || !data.TryGetValue(ServingCertificate.CaFile, out var ca))
            return null;
        var pem = new CertificateBundle(Encoding.UTF8.GetString(crt), Encoding.UTF8.GetString(key), Encoding.UTF8.GetString(ca));
        try
        {
            using var certificate = ServingCertificate.Load(pem.CertificatePem, pem.PrivateKeyPem, "Secret");
            bool fresh = certificate.NotAfter.ToUniversalTime() - _clock.GetUtcNow().UtcDateTime > RenewBefore;
            return fresh && hostNames.All(h => certificate.MatchesHostname(h)) ? pem : null;
        }
        catch (CertificateException)
        {
            return null;
        }
    }
}
