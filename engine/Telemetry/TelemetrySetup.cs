using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlmOperator.Engine.Telemetry;

/// <summary>
/// OpenTelemetry for the engine: metrics (the engine's meter) scraped at <c>/metrics</c> in Prometheus text, and
/// traces (the engine's spans under ASP.NET Core's request spans) exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, as the OpenTelemetry SDKs' environment convention says.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void Add(IServiceCollection services, string serviceName, string meterName)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(meterName)
                // Every scrape sees the counters as they are: dashboards and tests compare them with what happened.
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        if (Environment.GetEnvironmentVariable(OtlpEndpointVariable) is { Length: > 0 })
            telemetry.WithTracing(tracing => tracing
                .AddSource(EngineTracing.SourceName, "Microsoft.AspNetCore")
                .AddOtlpExporter());
    }

    public static void MapMetrics(WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.Equals(PrometheusNames.Path), branch => branch.UseMiddleware<PrometheusNames>());
        app.MapPrometheusScrapingEndpoint(PrometheusNames.Path);
    }
}
