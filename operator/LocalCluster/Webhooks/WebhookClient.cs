using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Webhooks;

/// <summary>A webhook could not be called or answered wrongly; failurePolicy decides what the request gets.</summary>
public sealed class WebhookCallException(string message) : Exception(message);

/// <summary>
/// Posts AdmissionReviews to webhooks over HTTPS as kube-apiserver does: to <c>clientConfig.url</c>, or to a
/// Service (its address from <paramref name="resolveService"/>, e.g. the service proxy's loopback port, with
/// TLS server name <c>NAME.NAMESPACE.svc</c>), trusting only <c>clientConfig.caBundle</c> when it is set, within
/// the webhook's timeout.
/// </summary>
/// <param name="resolveService">(namespace, name, port) → base address of the Service, or null when it has none.</param>
public sealed class WebhookClient(Func<string, string, int, Uri?>? resolveService = null) : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new();

    public async Task<string> PostAsync(JsonObject clientConfig, string body, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (uri, serverName) = Target(clientConfig, timeout);
        var client = _clients.GetOrAdd(JsonRead.Str(clientConfig, "caBundle") ?? "", CreateClient);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

        // SocketsHttpHandler takes the TLS server name (SNI and certificate check) from the Host header.
        if (serverName is not null) request.Headers.Host = serverName;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await client.SendAsync(request, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new WebhookCallException($"Post \"{uri}\": the server responded with {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return text;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebhookCallException($"Post \"{uri}\": context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw new WebhookCallException($"Post \"{uri}\": {Innermost(e).Message}");
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }

    /// <summary>The URL to post to (with kube's ?timeout=) and, for a Service, the TLS server name.</summary>
    private (Uri Uri, string? ServerName) Target(JsonObject clientConfig, TimeSpan timeout)
    {
        var query = $"timeout={(int)timeout.TotalSeconds}s";
        if (JsonRead.Str(clientConfig, "url") is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps)
            {
                throw new WebhookCallException($"clientConfig.url \"{url}\" must be an absolute https URL");
            }

            return (new UriBuilder(parsed) { Query = string.IsNullOrEmpty(parsed.Query) ? query : parsed.Query[1..] + "&" + query }.Uri, null);
        }

        if (JsonRead.At(clientConfig, "service") is not JsonObject service)
        {
            throw new WebhookCallException("clientConfig needs url or service");
        }

        var ns = JsonRead.Str(service, "namespace") ?? "default";
        var name = JsonRead.Str(service, "name") ?? "";
        var port = JsonRead.At(service, "port") is null ? 443 : (int)JsonRead.Int(service, "port");
        var address = resolveService?.Invoke(ns, name, port)
            ?? throw new WebhookCallException($"service \"{ns}/{name}:{port}\" has no address to call");
        var path = JsonRead.Str(service, "path") ?? "/";
        return (new UriBuilder(Uri.UriSchemeHttps, address.Host, address.Port, path) { Query = query }.Uri, $"{name}.{ns}.svc");
    }

    private static HttpClient CreateClient(string caBundle)
    {
        var roots = ReadBundle(caBundle);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, roots),
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// With a caBundle, the chain must end at one of its certificates (and nowhere else); without one, the system's
    /// roots decide. The name must match either way.
    /// </summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? roots)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        if (roots is null) return errors == SslPolicyErrors.None;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    /// <summary>caBundle is base64 of PEM (JSON's encoding of []byte); null when empty.</summary>
    private static X509Certificate2Collection? ReadBundle(string caBundle)
    {
        if (caBundle.Length == 0) return null;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(caBundle)));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new WebhookCallException($"clientConfig.caBundle is not base64-encoded PEM certificates: {e.Message}");
        }

        return roots;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
