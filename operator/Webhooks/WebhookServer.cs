using k8s;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Webhooks.Certificates;
using LlmOperator.Operator.Webhooks.Handlers;
using LlmOperator.Operator.Webhooks.Lookups;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace LlmOperator.Operator.Webhooks;

/// <summary>
/// The admission webhooks over HTTPS on their own Kestrel listener: validating and defaulting ModelDeployments, and
/// re-validating model ConfigMaps. The certificate comes from a mounted folder or is generated at start (optionally
/// shared through a Secret), and its CA is kept in the webhook configurations' caBundle. Runs on every replica, not
/// only the leader: the API server calls whichever pod the Service picks.
/// </summary>
public sealed class WebhookServer : IHostedService, IAsyncDisposable
{
    private readonly WebhookServerOptions _options;
    private readonly IKubernetes? _kubernetes;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private Task _maintenance = Task.CompletedTask;

    /// <param name="kubernetes">The API server: ConfigMap and ModelDeployment reads, the caBundle, the certificate Secret. Null: none of those (tests with <paramref name="lookups"/>).</param>
    /// <param name="lookups">Reads for the handlers; by default through <paramref name="kubernetes"/>.</param>
    public WebhookServer(WebhookServerOptions options, IKubernetes? kubernetes, ILoggerFactory? loggers = null, IAdmissionLookups? lookups = null)
    {
        _options = options;
        _kubernetes = kubernetes;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<WebhookServer>();
        // Few, quick retries: an admission call has seconds, not the reconciler's patience.
        _pipeline = ApiResilience.Create(maxRetries: 2, baseDelay: TimeSpan.FromMilliseconds(50));
        lookups ??= kubernetes is null
            ? throw new ArgumentException("Either a Kubernetes client or lookups are needed.", nameof(lookups))
            : new KubernetesAdmissionLookups(kubernetes, _pipeline);
        Handlers =
        [
            new ModelDeploymentValidation(lookups, options.ApiTimeout),
            new ModelDeploymentDefaulting(),
            new ModelConfigMapValidation(lookups, options.ApiTimeout),
        ];
    }

    public IReadOnlyList<IAdmissionHandler> Handlers { get; }

    /// <summary>The certificate served; set by <see cref="StartAsync"/>.</summary>
    public ServingCertificate? Certificate { get; private set; }

    /// <summary>The port listened on (the chosen one when the options said 0); set by <see cref="StartAsync"/>.</summary>
    public int Port { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Certificate = await ObtainCertificateAsync(cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Webhook certificate from {Source}, valid until {NotAfter:u}", Certificate.Source, Certificate.Current.NotAfter.ToUniversalTime());
        _app = Build(Certificate);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        Port = new Uri(_app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        _logger.LogInformation("Admission webhooks listening on https://{Address}:{Port} ({Paths})", _options.Address?.ToString() ?? "*", Port,
            string.Join(", ", Handlers.Select(h => h.Path)));
        await EnsureCaBundleAsync(cancellationToken).ConfigureAwait(false);
        _maintenance = Task.Run(() => MaintainAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _maintenance.ConfigureAwait(false);
        if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested) await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        Certificate?.Dispose();
        _stopping.Dispose();
    }

    private WebApplication Build(ServingCertificate certificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        var https = new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate.Current };
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (_options.Address is { } address) kestrel.Listen(address, _options.Port, listen => listen.UseHttps(https));
            else kestrel.ListenAnyIP(_options.Port, listen => listen.UseHttps(https));
        });
        var app = builder.Build();
        var logger = _loggers.CreateLogger("LlmOperator.Operator.Webhooks.Admission");
        foreach (var handler in Handlers)
            app.MapPost(handler.Path, context => WebhookEndpoint.HandleAsync(context, handler, logger));
        return app;
    }

    private async Task<ServingCertificate> ObtainCertificateAsync(CancellationToken cancellationToken)
    {
        if (_options.CertificateDirectory is { } directory && ServingCertificate.FromDirectory(directory) is { } mounted) return mounted;
        if (!_options.GenerateCertificate)
            throw new CertificateException($"{_options.CertificateDirectory ?? "(no --webhook-cert-dir)"}: no {ServingCertificate.CertificateFile} and " +
                                           $"{ServingCertificate.KeyFile}; mount the webhook's TLS Secret there, or allow a generated certificate.");
        if (_kubernetes is not null && _options.CertificateSecretName is { } secret)
        {
            var shared = await new CertificateSecret(_kubernetes, _pipeline)
                .GetOrCreateAsync(_options.Namespace, secret, _options.HostNames, _options.CertificateValidity, cancellationToken).ConfigureAwait(false);
            return ServingCertificate.FromPem(shared, $"Secret {_options.Namespace}/{secret}");
        }
        return ServingCertificate.FromPem(SelfSignedCertificates.Create(_options.HostNames, _options.CertificateValidity), "a CA generated at start-up");
    }

    /// <summary>Sets the caBundle; a failure is logged and retried by the maintenance loop, never fatal.</summary>
    private async Task EnsureCaBundleAsync(CancellationToken cancellationToken)
    {
        if (_kubernetes is null || Certificate?.CaPem is not { } ca) return;
        try
        {
            await new CaBundlePatcher(_kubernetes, _pipeline, _loggers.CreateLogger<CaBundlePatcher>())
                .EnsureAsync(_options.ValidatingConfigurationName, _options.MutatingConfigurationName, ca, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogError(e, "Could not set the caBundle of the webhook configurations; retrying in {Interval}", _options.MaintenanceInterval);
        }
    }

    /// <summary>Picks up a renewed mounted certificate and repairs a caBundle that was overwritten.</summary>
    private async Task MaintainAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    if (Certificate!.ReloadIfChanged())
                        _logger.LogInformation("Reloaded the webhook certificate from {Source}, valid until {NotAfter:u}",
                            Certificate.Source, Certificate.Current.NotAfter.ToUniversalTime());
                }
                catch (CertificateException e)
                {
                    _logger.LogError("Keeping the current webhook certificate: {Reason}", e.Message);
                }
                await EnsureCaBundleAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }
}
