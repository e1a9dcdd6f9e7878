using k8s;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Webhooks;

/// <summary>
/// Puts the admission webhooks into the operator's host when <see cref="OperatorOptions.WebhookPort"/> is set: one
/// <see cref="WebhookServer"/> (its own HTTPS listener, not the metrics one) as a hosted service, on every replica —
/// the API server calls whichever pod its Service picks, leader or not. Resolve <see cref="WebhookServer"/> from the
/// host's services for its port and CA once started.
/// </summary>
public sealed class WebhookHostExtension : IOperatorHostExtension
{
    public void ConfigureServices(WebApplicationBuilder builder, OperatorOptions options)
    {
        if (ServerOptions(options) is not { } webhooks) return;
        builder.Services.AddSingleton(sp =>
            new WebhookServer(webhooks, sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookServer>());
    }

    public void ConfigureApp(WebApplication app, OperatorOptions options)
    {
        // The webhooks have their own Kestrel listener (TLS): nothing to map on the metrics host.
    }

    /// <summary>The server's settings from the operator's; null when no webhook port was asked for.</summary>
    public static WebhookServerOptions? ServerOptions(OperatorOptions options) => options.WebhookPort is { } port
        ? new WebhookServerOptions
        {
            Port = port,
            Address = options.WebhookAddress,
            Namespace = options.WebhookNamespace,
            ServiceName = options.WebhookServiceName,
            ValidatingConfigurationName = options.WebhookConfigurationName,
            MutatingConfigurationName = options.WebhookConfigurationName,
            CertificateDirectory = options.WebhookCertificateDirectory,
            CertificateSecretName = options.WebhookCertificateSecret,
        }
        : null;
}
