using System.Net;
using System.Net.Sockets;
using k8s;
using k8s.Autorest;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Tests.Integration;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmOperator.Operator.Tests.Webhooks;

/// <summary>`run --webhook-port P`: the webhooks served by the operator's own host, called by the API server.</summary>
[Collection(WebhookClusterCollection.Name)]
public sealed class WebhookHostExtensionTests
{
    [Fact]
    public async Task Run_Should_ServeTheAdmissionWebhooks_When_AWebhookPortIsGiven()
    {
        await using var cluster = await LocalOperatorCluster.StartAsync();
        var options = new OperatorOptions { MetricsPort = 0, WebhookPort = 0, WebhookAddress = IPAddress.Loopback, Concurrency = 1 };
        await using var app = OperatorHost.Build(options, new KubernetesClientConfiguration { Host = cluster.Cluster.Address.ToString() }, [new WebhookHostExtension()]);
        await app.StartAsync();
        var server = app.Services.GetRequiredService<WebhookServer>();
        var target = new WebhookTarget { Url = $"https://127.0.0.1:{server.Port}", CaBundlePem = server.Certificate!.CaPem };
        await cluster.Client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(WebhookConfigurations.Validating(target));
        await cluster.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(WebhookConfigurations.Mutating(target));

        var invalid = LocalOperatorCluster.Tiny("tp3", replicas: 1);
        invalid.Spec.Engine.TensorParallelSize = 3;
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.CreateAsync(invalid));
        var unset = LocalOperatorCluster.Tiny("defaulted", replicas: 1);
        unset.Spec.Engine.MaxNumBatchedTokens = null;
        var admitted = await cluster.CreateAsync(unset);
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.Response.StatusCode);
        Assert.Contains($"admission webhook \\\"{WebhookNames.ValidateModelDeployment}\\\" denied the request", refused.Response.Content);
        Assert.Contains("[tp-attention-heads]", refused.Response.Content);
        Assert.Equal(8192, admitted.Spec.Engine.MaxNumBatchedTokens); // only the defaulting webhook writes this one
    }

    [Fact]
    public async Task Run_Should_ServeNoWebhooks_When_NoWebhookPortIsGiven()
    {
        await using var app = OperatorHost.Build(new OperatorOptions { MetricsPort = 0 },
            new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }, [new WebhookHostExtension()]);

        Assert.Null(app.Services.GetService<WebhookServer>());
        Assert.Null(WebhookHostExtension.ServerOptions(new OperatorOptions()));
        Assert.Equal((9443, "/certs", "webhook-tls"), WebhookHostExtension.ServerOptions(new OperatorOptions
        {
            WebhookPort = 9443, WebhookCertificateDirectory = "/certs", WebhookCertificateSecret = "webhook-tls",
        }) is { } o ? (o.Port, o.CertificateDirectory, o.CertificateSecretName) : default);
    }

    [Fact]
    public async Task RunAsync_Should_ExitStartFailedNamingThePorts_When_TheWebhookPortIsTaken()
    {
        await using var cluster = await LocalOperatorCluster.StartAsync();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var stderr = new StringWriter();

        int exit = await RunCommand.RunAsync(new OperatorOptions
        {
            Kubeconfig = cluster.Cluster.KubeconfigPath, MetricsPort = 0, WebhookPort = port, WebhookAddress = IPAddress.Loopback,
        }, [new WebhookHostExtension()], stderr, CancellationToken.None);

        Assert.Equal(RunCommand.StartFailed, exit);
        Assert.Contains($"--webhook-port {port}", stderr.ToString());
    }

    [Fact]
    public async Task RunAsync_Should_ExitUnusable_When_TheKubeconfigDoesNotExist()
    {
        var stderr = new StringWriter();

        int exit = await RunCommand.RunAsync(new OperatorOptions { Kubeconfig = "/no/such/kubeconfig" }, [], stderr, CancellationToken.None);

        Assert.Equal(RunCommand.Unusable, exit);
        Assert.Contains("--kubeconfig /no/such/kubeconfig: no such file", stderr.ToString());
    }
}
