using System.CommandLine;
using LlmOperator.Operator.Benchmark;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>bench [--resources N] [--rollback-trials T] [--concurrency C] [--nodes K] [--ready-timeout S] [--trial-timeout S]</c>: the scale benchmark on the local
/// control plane (a measurement, not a test). The table goes to stdout, progress to stderr.
/// Exit codes: 0 every target met, 1 a target missed or the run did not complete, 2 bad options.
/// </summary>
internal static class BenchCommand
{
    public const int Met = 0, Missed = 1, BadOptions = 2;

    public static Command Create()
    {
        var defaults = new BenchOptions();
        var resources = new Option<int>("--resources") { Description = "ModelDeployments to create, one stand-in replica each.", DefaultValueFactory = _ => defaults.Resources };
        var trials = new Option<int>("--rollback-trials") { Description = "Automatic rollbacks to time, each on its own resource.", DefaultValueFactory = _ => defaults.RollbackTrials };
        var concurrency = new Option<int>("--concurrency") { Description = "The operator's reconcile workers (its run --concurrency).", DefaultValueFactory = _ => defaults.Concurrency };
        var nodes = new Option<int>("--nodes") { Description = "Nodes of the local cluster.", DefaultValueFactory = _ => defaults.Nodes };
        var trialTimeout = new Option<int>("--trial-timeout") { Description = "Seconds one rollback trial may take before it counts as not rolled back.",
            DefaultValueFactory = _ => (int)defaults.TrialTimeout.TotalSeconds };
        var readyTimeout = new Option<int>("--ready-timeout") { Description = "Seconds to wait for all resources to be Ready before reporting how many were.",
            DefaultValueFactory = _ => (int)defaults.ReadyTimeout.TotalSeconds };
        var command = new Command("bench", "Benchmark the operator on the local control plane: N ModelDeployments on stand-in pods; " +
                                           "time to Ready, reconcile latency, peak memory, rollback reaction.")
        {
            resources, trials, concurrency, nodes, readyTimeout, trialTimeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            BenchOptions options;
            try
            {
                options = new BenchOptions
                {
                    Resources = parse.GetValue(resources), RollbackTrials = parse.GetValue(trials),
                    Concurrency = parse.GetValue(concurrency), Nodes = parse.GetValue(nodes),
                    ReadyTimeout = TimeSpan.FromSeconds(parse.GetValue(readyTimeout)),
                    TrialTimeout = TimeSpan.FromSeconds(parse.GetValue(trialTimeout)),
                }.Validated();
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"error: {e.Message}");
                return BadOptions;
            }
            return await RunAsync(options, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        // The cluster's warnings (a component failing) go to stderr with the progress; stdout carries the table.
        using var loggers = LoggerFactory.Create(log => log
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        var report = await new OperatorBenchmark(options, Console.Error, loggers).RunAsync(cancellationToken);
        report.Write(Console.Out);
        return report.AllMet ? Met : Missed;
    }
}
