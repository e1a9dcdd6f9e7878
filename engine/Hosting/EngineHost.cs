using System.Net;
using System.Diagnostics.Metrics;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Server;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// The web host: Kestrel, the probes, the OpenAI API. Runs until SIGTERM (exit 0) or a reported failure (exit with
/// its class's code). SIGTERM drains: <c>/ready</c> turns 503 at once, connections are still accepted for
/// <c>--shutdown-delay</c> (<see cref="ShutdownDelay"/>), then Kestrel stops accepting, and the requests in flight (and
/// those still arriving on open connections) are served until done — all within <see cref="DrainTimeout"/>,
/// Kubernetes' default grace period — before the process exits.
/// </summary>
public static class EngineHost
{
    /// <summary>Exit code for a host that cannot start (e.g. the port is taken); no termination message, logs say why.</summary>
    public const int StartFailedExitCode = 1;

    /// <summary>How long a stopping engine lets requests in flight finish (the pod's default terminationGracePeriodSeconds).</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(ServeOptions options, ModelArchitecture model, CancellationToken cancellation)
    {
        await using var app = Build(options, model);
        var state = app.Services.GetRequiredService<EngineState>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EngineHost));
        app.Lifetime.ApplicationStopping.Register(state.MarkStopping);
        try
        {
            await app.StartAsync(cancellation);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The host has logged the exception with its stack already.
            logger.LogCritical("Cannot listen on {Url}: {Error}", ListenUrl(options), e.Message);
            return StartFailedExitCode;
        }
        await app.WaitForShutdownAsync(cancellation);
        return state.Failure?.ExitCode ?? 0;
    }

    private static WebApplication Build(ServeOptions options, ModelArchitecture model)
    {
        // No args: the flags are System.CommandLine's, not configuration keys.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(ListenUrl(options));
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        // Per-request lines would drown the lines that matter (device, readiness, failures) in the log tail that
        // FallbackToLogsOnError keeps.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = DrainTimeout);
        services.AddSingleton(options);
        services.AddSingleton(model);
        services.AddSingleton(options.Chaos);
        services.AddSingleton<EngineState>();
        services.AddSingleton<FailureReporter>();
        services.AddSingleton<ChaosTrigger>();
        services.AddSingleton<EngineHandle>();
        services.AddSingleton<GenerationService>();
        services.AddSingleton(sp => new EngineMetrics(sp.GetRequiredService<IMeterFactory>(), options.ServedModelNames[0], options.MeterName));
        TelemetrySetup.Add(services, "llmoperator-engine", options.MeterName);
        services.AddHostedService<ShutdownDelay>();
        services.AddHostedService<StartupService>();
        if (options.Chaos.AfterTime is not null)
            services.AddHostedService<ChaosTimer>();

        var app = builder.Build();
        DrainingConnections.Use(app);
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), ApiPipeline.Use);
        TelemetrySetup.MapMetrics(app);
        HealthEndpoints.Map(app);
        ModelsEndpoint.Map(app);
        CompletionsEndpoint.Map(app);
        ChatCompletionsEndpoint.Map(app);
        return app;
    }

    private static string ListenUrl(ServeOptions options)
    {
        string host = IPAddress.TryParse(options.Host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{options.Host}]"
            : options.Host;
        return $"http://{host}:{options.Port}";
    }
}
