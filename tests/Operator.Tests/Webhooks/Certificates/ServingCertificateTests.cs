using LlmOperator.Operator.Webhooks.Certificates;

namespace LlmOperator.Operator.Tests.Webhooks.Certificates;

public sealed class ServingCertificateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("webhook-certs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void Write(CertificateBundle bundle, bool withCa = true)
    {
        File.WriteAllText(Path.Combine(_directory, "tls.crt"), bundle.CertificatePem);
        File.WriteAllText(Path.Combine(_directory, "tls.key"), bundle.PrivateKeyPem);
        if (withCa) File.WriteAllText(Path.Combine(_directory, "ca.crt"), bundle.CaPem);
    }

    private static CertificateBundle Generate() => SelfSignedCertificates.Create(["localhost"], TimeSpan.FromDays(30));

    [Fact]
    public void FromDirectory_Should_ReturnNull_When_TheFolderHasNoCertificate()
    {
        Assert.Null(ServingCertificate.FromDirectory(_directory));
    }

    [Fact]
    public void FromDirectory_Should_LoadTheMountedPairAndItsCa_When_Present()
    {
        var bundle = Generate();
        Write(bundle);

        using var certificate = ServingCertificate.FromDirectory(_directory)!;

        Assert.True(certificate.Current.HasPrivateKey);
        Assert.Equal(bundle.CaPem, certificate.CaPem);
        Assert.Equal($"{_directory}/tls.crt", certificate.Source);
    }

    [Fact]
    public void FromDirectory_Should_HaveNoCaBundle_When_TheSecretHasNoCaCrt()
    {
        Write(Generate(), withCa: false);

        using var certificate = ServingCertificate.FromDirectory(_directory)!;

        Assert.Null(certificate.CaPem);
    }

    [Fact]
    public void FromDirectory_Should_NameTheMissingFile_When_OnlyTheKeyIsThere()
    {
        File.WriteAllText(Path.Combine(_directory, "tls.key"), Generate().PrivateKeyPem);

        var error = Assert.Throws<CertificateException>(() => ServingCertificate.FromDirectory(_directory));

        Assert.Equal($"{_directory}: has tls.key but not tls.crt; mount a kubernetes.io/tls Secret with both.", error.Message);
    }

    [Fact]
    public void FromDirectory_Should_Refuse_When_TheKeyDoesNotMatchTheCertificate()
    {
        var bundle = Generate();
        Write(bundle with { PrivateKeyPem = Generate().PrivateKeyPem });

        var error = Assert.Throws<CertificateException>(() => ServingCertificate.FromDirectory(_directory));

        Assert.StartsWith($"{_directory}/tls.crt: not a PEM certificate with its matching private key", error.Message);
    }

    [Fact]
    public void ReloadIfChanged_Should_SwapTheCertificate_When_TheFilesChange()
    {
        Write(Generate());
        using var certificate = ServingCertificate.FromDirectory(_directory)!;
        var first = certificate.Current.Thumbprint;

        bool unchanged = certificate.ReloadIfChanged();
        var renewed = Generate();
        Write(renewed);
        bool changed = certificate.ReloadIfChanged();

        Assert.False(unchanged);
        Assert.True(changed);
        Assert.NotEqual(first, certificate.Current.Thumbprint);
        Assert.Equal(renewed.CaPem, certificate.CaPem);
    }

    [Fact]
    public void ReloadIfChanged_Should_KeepTheCurrentCertificate_When_TheNewPairIsBroken()
    {
        Write(Generate());
        using var certificate = ServingCertificate.FromDirectory(_directory)!;
        var first = certificate.Current.Thumbprint;
        File.WriteAllText(Path.Combine(_directory, "tls.key"), Generate().PrivateKeyPem); // half-way through a renewal

        Assert.Throws<CertificateException>(() => certificate.ReloadIfChanged());
        Assert.Equal(first, certificate.Current.Thumbprint);
    }
}
