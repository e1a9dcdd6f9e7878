using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LlmOperator.Operator.Up;

/// <summary>
/// The operator's host as a part of a larger process (<c>up</c>, the end-to-end tests): the process owns the signals
/// (so the operator stops before the cluster under it, not on its own), and logs at <paramref name="minimum"/> and above
/// go to stderr, keeping stdout for what the process reports.
/// </summary>
public sealed class EmbeddedOperatorHost(LogLevel minimum) : IOperatorHostExtension
{
    public void ConfigureServices(WebApplicationBuilder builder, OperatorOptions options)
    {
        builder.Services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        builder.Logging.AddFilter(level => level >= minimum);
        builder.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    public void ConfigureApp(WebApplication app, OperatorOptions options)
    {
    }

    /// <summary>Registers no signal handlers (ConsoleLifetime would stop the host on SIGTERM by itself).</summary>
    private sealed class ProcessOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
