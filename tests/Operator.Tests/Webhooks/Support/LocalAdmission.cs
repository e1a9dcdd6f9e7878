using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Tests.Webhooks.Support;

/// <summary>Requests as the local control plane's admission chain builds them, and clients that trust one CA.</summary>
internal static class LocalAdmission
{
    public static readonly ResourceType ModelDeployments = new(V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version,
        V1Alpha1ModelDeployment.EntityKind, V1Alpha1ModelDeployment.Plural, Namespaced: true, HasStatusSubresource: true);

    public static AdmissionRequest Request(JsonObject modelDeployment) => new(ModelDeployments, AdmissionOperation.Create,
        (string?)modelDeployment["metadata"]?["namespace"] ?? "default", (string)modelDeployment["metadata"]!["name"]!, modelDeployment, null);

    /// <summary>An HttpClient that trusts only <paramref name="caPem"/>, and checks the host name as Go's TLS does.</summary>
    public static HttpClient TrustingClient(string caPem)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler);
    }
}
