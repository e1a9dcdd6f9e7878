using System.Net;
using System.Security.Cryptography.X509Certificates;
using LlmOperator.Operator.Webhooks.Certificates;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.Operator.Tests.Webhooks.Certificates;

public sealed class SelfSignedCertificatesTests
{
    private static readonly IReadOnlyList<string> Names = SelfSignedCertificates.HostNames("llm-operator-webhook", "llm-operator");

    [Fact]
    public void Create_Should_CoverEveryServiceNameAndLoopback_When_Generated()
    {
        var bundle = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(365));

        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem);
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["llm-operator-webhook.llm-operator.svc", "llm-operator-webhook.llm-operator.svc.cluster.local",
            "llm-operator-webhook.llm-operator", "llm-operator-webhook", "localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.All(Names, name => Assert.True(certificate.MatchesHostname(name), name));
        Assert.False(certificate.MatchesHostname("other.llm-operator.svc"));
    }

    [Fact]
    public void Create_Should_ChainToItsCaOnly_When_Verified()
    {
        var bundle = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(365));
        var other = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(365));

        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem);
        Assert.True(Chains(certificate, bundle.CaPem));
        Assert.False(Chains(certificate, other.CaPem));
    }

    [Fact]
    public void Create_Should_BeAServerCertificateWithItsKey_When_Generated()
    {
        var bundle = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(365));

        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem, bundle.PrivateKeyPem);
        using var ca = X509Certificate2.CreateFromPem(bundle.CaPem);
        Assert.True(certificate.HasPrivateKey);
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Equal("1.3.6.1.5.5.7.3.1", Assert.Single(usages.Cast<System.Security.Cryptography.Oid>()).Value);
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(ca.SubjectName.Name, certificate.IssuerName.Name);
        // SerialNumberBytes is big-endian (DER order): the first byte carries the sign.
        Assert.True(certificate.SerialNumberBytes.Span[0] < 0x80, "the serial number must be positive");
    }

    [Fact]
    public void Create_Should_BeValidFromJustBeforeNowForTheValidity_When_GivenAClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        var bundle = SelfSignedCertificates.Create(Names, TimeSpan.FromDays(90), clock);

        using var certificate = X509Certificate2.CreateFromPem(bundle.CertificatePem);
        using var ca = X509Certificate2.CreateFromPem(bundle.CaPem);
        Assert.Equal(new DateTime(2026, 3, 1, 11, 55, 0, DateTimeKind.Utc), certificate.NotBefore.ToUniversalTime());
        Assert.Equal(new DateTime(2026, 5, 30, 12, 0, 0, DateTimeKind.Utc), certificate.NotAfter.ToUniversalTime());
        Assert.True(ca.NotAfter > certificate.NotAfter, "the CA must outlive what it signed");
    }

    private static bool Chains(X509Certificate2 certificate, string caPem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.ImportFromPem(caPem);
        return chain.Build(certificate);
    }
}
