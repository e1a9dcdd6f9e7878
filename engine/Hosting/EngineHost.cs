using System.Net;
using LlmOperator.Engine.Api;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// The web host: Kestrel, the probes, the OpenAI API. Runs until SIGTERM (exit 0) or a reported failure (exit with
/// its class's code).
/// </summary>
public static class EngineHost
{
    /// <summary>Exit code for a host that cannot start (e.g. the port is taken); no termination message, logs say why.</summary>
    public const int StartFailedExitCode = 1;

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
        services.AddSingleton(options);
        services.AddSingleton(model);
        services.AddSingleton(options.Chaos);
        services.AddSingleton<EngineState>();
        services.AddSingleton<FailureReporter>();
        services.AddSingleton<ChaosTrigger>();
        services.AddHostedService<StartupService>();
        if (options.Chaos.AfterTime is not null)
            services.AddHostedService<ChaosTimer>();

        var app = builder.Build();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/v1"), UseApiPipeline);
        HealthEndpoints.Map(app);
        ModelsEndpoint.Map(app);
        return app;
    }

    /// <summary>Failure handling outermost, then the readiness gate, then the chaos counter (so only served requests count).</summary>
    private static void UseApiPipeline(IApplicationBuilder api)
    {
        api.UseMiddleware<FailureMiddleware>();
        api.Use(async (context, next) =>
        {
            var state = context.RequestServices.GetRequiredService<EngineState>();
            if (!state.IsReady)
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    OpenAiError.Of($"The engine is {state.Status}.", "server_error", "not_ready"));
                return;
            }
            context.RequestServices.GetRequiredService<ChaosTrigger>().OnApiRequest();
            await next(context);
        });
    }

    private static string ListenUrl(ServeOptions options)
    {
        string host = IPAddress.TryParse(options.Host, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{options.Host}]"
            : options.Host;
        return $"http://{host}:{options.Port}";
    }
}
