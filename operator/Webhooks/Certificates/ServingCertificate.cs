using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LlmOperator.Operator.Webhooks.Certificates;

/// <summary>A certificate that cannot be used: the message names the file or Secret and what is wrong.</summary>
public sealed class CertificateException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The certificate Kestrel presents, swapped in place when the mounted files change (a Secret volume is updated
/// by the kubelet through a symlink swap, so the content is compared, not timestamps).
/// </summary>
public sealed class ServingCertificate : IDisposable
{
    public const string CertificateFile = "tls.crt", KeyFile = "tls.key", CaFile = "ca.crt";

    private X509Certificate2 _current;
    private string _loadedPem;

    private ServingCertificate(CertificateBundle pem, string source, string? directory)
    {
        _current = Load(pem.CertificatePem, pem.PrivateKeyPem, source);
        _loadedPem = pem.CertificatePem + pem.PrivateKeyPem;
        CaPem = pem.CaPem.Length > 0 ? pem.CaPem : null;
        Source = source;
        Directory = directory;
    }

    /// <summary>The certificate (with its private key) to present now.</summary>
    public X509Certificate2 Current => Volatile.Read(ref _current);

    /// <summary>The CA to publish as caBundle; null when it is not known (a mounted Secret without ca.crt).</summary>
    public string? CaPem { get; private set; }

    /// <summary>Where the certificate came from, for logs.</summary>
    public string Source { get; }

    /// <summary>The mounted folder it is reloaded from; null for a generated certificate.</summary>
    public string? Directory { get; }

    public static ServingCertificate FromPem(CertificateBundle pem, string source) => new(pem, source, null);

    /// <summary>
    /// tls.crt and tls.key (and ca.crt when present) of a folder, e.g. a mounted kubernetes.io/tls Secret; null when
    /// the folder has no tls.crt and tls.key.
    /// </summary>
    public static ServingCertificate? FromDirectory(string directory)
    {
        var pem = ReadDirectory(directory);
        return pem is null ? null : new ServingCertificate(pem, $"{directory}/{CertificateFile}", directory);
    }

    /// <summary>
    /// Re-reads the folder; true when a changed certificate was loaded. A half-written or broken pair throws and
    /// leaves the current certificate in place.
    /// </summary>
    public bool ReloadIfChanged()
    {
        if (Directory is null || ReadDirectory(Directory) is not { } pem || pem.CertificatePem + pem.PrivateKeyPem == _loadedPem) return false;
        var loaded = Load(pem.CertificatePem, pem.PrivateKeyPem, $"{Directory}/{CertificateFile}");
        // Connections that are in their handshake keep the old one; it is only disposed with this object.
        Interlocked.Exchange(ref _current, loaded);
        _loadedPem = pem.CertificatePem + pem.PrivateKeyPem;
        CaPem = pem.CaPem.Length > 0 ? pem.CaPem : CaPem;
        return true;
    }

    public void Dispose() => Current.Dispose();

    private static CertificateBundle? ReadDirectory(string directory)
    {
        string certificate = Path.Combine(directory, CertificateFile), key = Path.Combine(directory, KeyFile), ca = Path.Combine(directory, CaFile);
        if (!File.Exists(certificate) && !File.Exists(key)) return null;
        if (!File.Exists(certificate) || !File.Exists(key))
            throw new CertificateException($"{directory}: has {(File.Exists(key) ? KeyFile : CertificateFile)} but not " +
                                           $"{(File.Exists(key) ? CertificateFile : KeyFile)}; mount a kubernetes.io/tls Secret with both.");
        try
        {
            return new CertificateBundle(File.ReadAllText(certificate), File.ReadAllText(key), File.Exists(ca) ? File.ReadAllText(ca) : "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateException($"{directory}: cannot read the certificate: {e.Message}", e);
        }
    }

    /// <summary>The certificate with its key, checked to be usable by a TLS server now.</summary>
    public static X509Certificate2 Load(string certificatePem, string keyPem, string source)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key that is not the certificate's.
            throw new CertificateException($"{source}: not a PEM certificate with its matching private key: {e.Message}", e);
        }
        if (certificate.NotAfter.ToUniversalTime() <= DateTime.UtcNow)
        {
            var expired = certificate.NotAfter;
            certificate.Dispose();
            throw new CertificateException($"{source}: the certificate expired on {expired:u}; renew it (or remove it to have one generated).");
        }
        return certificate;
    }
}
