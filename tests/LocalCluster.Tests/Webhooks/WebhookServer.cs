using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Tests.Webhooks;

/// <summary>
/// A real admission webhook over HTTPS on loopback, with a certificate for 127.0.0.1 and webhook.default.svc issued
/// by a CA made for the test. Its paths answer: /allow (with a warning), /deny, /deny-invalid (own code and reason),
/// /mutate (a JSON patch adding a label), /slow (answers after 5 s), /wrong-uid. It records every review it gets.
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    private WebApplication? _app;

    private WebhookServer(string caBundle) => CaBundle = caBundle;

    /// <summary>Base64 of the CA's PEM, as clientConfig.caBundle carries it.</summary>
    public string CaBundle { get; }

    /// <summary>https://127.0.0.1:PORT of the listener.</summary>
    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<(string Path, JsonObject Review)> Received { get; } = new();

    public static async Task<WebhookServer> StartAsync()
    {
        var (ca, leaf) = Certificates();
        var server = new WebhookServer(Convert.ToBase64String(Encoding.ASCII.GetBytes(ca.ExportCertificatePem())));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(leaf)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/{behaviour}", (HttpContext context, string behaviour) => server.AnswerAsync(context, behaviour));
        await app.StartAsync();
        server._app = app;
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context, string behaviour)
    {
        var review = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        Received.Enqueue((behaviour, review));
        var uid = (string?)review["request"]!["uid"];
        var response = new JsonObject { ["uid"] = behaviour == "wrong-uid" ? "not-the-uid" : uid, ["allowed"] = true };
        switch (behaviour)
        {
            case "allow":
                response["warnings"] = new JsonArray("replicas above 3 cost GPUs");
                break;
            case "deny":
                response["allowed"] = false;
                response["status"] = new JsonObject { ["message"] = "replicas must be odd" };
                break;
            case "deny-invalid":
                response["allowed"] = false;
                response["status"] = new JsonObject { ["code"] = 422, ["reason"] = "Invalid", ["message"] = "spec.replicas is even" };
                break;
            case "mutate":
                var patch = """[{"op": "add", "path": "/metadata/labels", "value": {"mutated-by": "webhook"}}]""";
                response["patchType"] = "JSONPatch";
                response["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch));
                break;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                break;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview", ["response"] = response,
        }.ToJsonString());
    }

    /// <summary>A CA and a server certificate it signed, for 127.0.0.1 and webhook.default.svc.</summary>
    internal static (X509Certificate2 Ca, X509Certificate2 Leaf) Certificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=local-cluster-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=webhook", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("webhook.default.svc");
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = leafRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);
        var leaf = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(leafKey).Export(X509ContentType.Pkcs12), null);
        return (ca, leaf);
    }
}
