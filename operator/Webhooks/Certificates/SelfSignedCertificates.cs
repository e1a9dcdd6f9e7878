using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmOperator.Operator.Webhooks.Certificates;

/// <summary>A CA and the serving certificate it signed, both as PEM, the way a kubernetes.io/tls Secret holds them.</summary>
public sealed record CertificateBundle(string CertificatePem, string PrivateKeyPem, string CaPem);

/// <summary>
/// A private CA and a serving certificate for the webhook Service, made at start-up when no certificate is mounted.
/// The CA goes into the webhook configurations' caBundle; the API server then trusts this server and nothing else
/// the CA never signed. ECDSA P-256: quick to generate, and accepted by Go's TLS stack in kube-apiserver.
/// </summary>
public static class SelfSignedCertificates
{
    /// <summary>The DNS names the API server may use for a Service, plus loopback for <c>clientConfig.url</c> on this machine.</summary>
    public static IReadOnlyList<string> HostNames(string service, string @namespace) =>
    [
        $"{service}.{@namespace}.svc",
        $"{service}.{@namespace}.svc.cluster.local",
        $"{service}.{@namespace}",
        service,
        "localhost",
        "127.0.0.1",
        "::1",
    ];

    /// <summary>
    /// A new CA valid for <paramref name="validity"/> and a serving certificate it signed for <paramref name="hostNames"/>
    /// (IP addresses become IP SANs: Go matches no IP against a DNS SAN, and no name against the subject's CN).
    /// </summary>
    public static CertificateBundle Create(IEnumerable<string> hostNames, TimeSpan validity, TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        // Back-dated a little: a node whose clock lags ours must not see a certificate from the future.
        var notBefore = now.AddMinutes(-5);
        var notAfter = now.Add(validity);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=llm-operator-webhook-ca, O=llm-operator", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        // The CA outlives the serving certificate by a day so that it never expires first.
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter.AddDays(1));

        var names = hostNames.Distinct().ToList();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={names.FirstOrDefault(n => !IPAddress.TryParse(n, out _)) ?? "localhost"}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(names));
        using var serving = request.Create(ca, notBefore, notAfter, SerialNumber());

        return new CertificateBundle(serving.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem(), ca.ExportCertificatePem());
    }

    private static X509Extension SubjectAlternativeNames(IEnumerable<string> names)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        return san.Build(critical: false);
    }

    /// <summary>16 random bytes with the top bit clear: RFC 5280 serials are positive and at most 20 bytes.</summary>
    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return serial;
    }
}
