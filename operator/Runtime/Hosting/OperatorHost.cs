using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using LlmOperator.Operator.Reconciliation;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmOperator.Operator.Runtime.Hosting;

/// <summary>
/// The operator process (cf. kubebuilder's cmd/main.go): the Kubernetes client, the reconciler, the controller gated
/// by leader election, OpenTelemetry (Prometheus <c>/metrics</c> on the metrics port, OTLP traces when
/// OTEL_EXPORTER_OTLP_ENDPOINT is set), health endpoints, and whatever the extensions add (the webhooks).
/// </summary>
public static class OperatorHost
{
    public static WebApplication Build(OperatorOptions options, KubernetesClientConfiguration cluster, IEnumerable<IOperatorHostExtension> extensions)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders().AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(options.MetricsPort));
        AddOperator(builder.Services, options, cluster);
        AddTelemetry(builder.Services);
        var extensionList = extensions.ToList();
        foreach (var extension in extensionList) extension.ConfigureServices(builder, options);

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", (LeaderElectionService election) =>
            Results.Text(election.IsLeading ? "ok: leading" : "ok: standby"));
        foreach (var extension in extensionList) extension.ConfigureApp(app, options);
        return app;
    }

    private static void AddOperator(IServiceCollection services, OperatorOptions options, KubernetesClientConfiguration cluster)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        // The calls say they are the operator's, not KubernetesClient's (audit logs, API server metrics, RBAC checks).
        cluster.UserAgent = OperatorUserAgent.Value;
        services.AddSingleton<IKubernetes>(_ => new k8s.Kubernetes(cluster));
        // One pipeline for the whole process, so its circuit breaker sees every call.
        services.AddSingleton(_ => ApiResilience.Create(retryConflicts: false));
        services.AddSingleton<IClusterClient>(sp => new KubernetesClusterClient(sp.GetRequiredService<IKubernetes>(), sp.GetRequiredService<Polly.ResiliencePipeline>()));
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton<ILongContextProber>(_ => new HttpLongContextProber(new HttpClient { Timeout = TimeSpan.FromMinutes(2) }));
        services.AddSingleton<IReconciler<V1Alpha1ModelDeployment>>(sp => new ModelDeploymentReconciler(
            sp.GetRequiredService<IClusterClient>(), sp.GetRequiredService<ILongContextProber>(), sp.GetRequiredService<OperatorMetrics>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp =>
        {
            var k = sp.GetRequiredService<IKubernetes>();
            var pipeline = sp.GetRequiredService<Polly.ResiliencePipeline>();
            return new WatchSet(
                WatchSources.ModelDeployments(k, options.Namespace, pipeline),
                WatchSources.Deployments(k, options.Namespace, ReconcileKeys.OwnedSelector, pipeline),
                WatchSources.Pods(k, options.Namespace, ReconcileKeys.OwnedSelector, pipeline),
                WatchSources.ConfigMaps(k, options.Namespace, pipeline));
        });
        services.AddSingleton<ILeaderWork, ControllerRunner>();
        services.AddSingleton(sp => new LeaderElectionService(
            sp.GetRequiredService<ILeaderWork>(), options,
            options.LeaderElect ? new LeaseLock(sp.GetRequiredService<IKubernetes>(), options.LeaseNamespace, options.LeaseName, options.Identity) : null,
            sp.GetRequiredService<ILogger<LeaderElectionService>>()));
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElectionService>());
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
    }

    private static void AddTelemetry(IServiceCollection services)
    {
        bool otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("llm-operator"))
            .WithMetrics(m => m.AddMeter(OperatorTelemetry.Name).AddPrometheusExporter())
            .WithTracing(t =>
            {
                t.AddSource(OperatorTelemetry.Name);
                if (otlp) t.AddOtlpExporter();
            });
    }
}
