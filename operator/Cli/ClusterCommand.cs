using System.CommandLine;
using System.Runtime.InteropServices;
using LlmOperator.LocalCluster;
using LlmOperator.LocalCluster.Kubelet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>cluster [--port P] [--kubeconfig FILE] [--gpus N] [--nodes K] [--model-cache DIR]</c>: runs the local single-machine
/// control plane until Ctrl+C or SIGTERM. Prints the kubeconfig's path first on stdout, so
/// <c>export KUBECONFIG=$(... cluster | head -1)</c> works; progress goes to stderr.
/// Exit codes: 0 stopped by a signal, 1 the cluster could not start, 2 bad options.
/// </summary>
internal static class ClusterCommand
{
    public const int Stopped = 0, StartFailed = 1, BadOptions = 2;

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "API server port on 127.0.0.1 (0 = any free port).", DefaultValueFactory = _ => 0 };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Where to write the kubeconfig (default: a temporary file, removed on exit)." };
        // 8, as StandardCluster and a typical GPU node: the examples (tensor parallel 2 to 4) schedule without a flag.
        var gpus = new Option<int>("--gpus") { Description = "nvidia.com/gpu capacity of each node (declared, not real devices).", DefaultValueFactory = _ => 8 };
        var nodes = new Option<int>("--nodes") { Description = "Number of nodes.", DefaultValueFactory = _ => 1 };
        var modelCache = new Option<string?>("--model-cache")
        {
            Description = "The nodes' Hugging Face hub cache: engine pods get HF_HUB_CACHE=DIR, where --model ORG/NAME is found (default: a temporary folder).",
        };
        var command = new Command("cluster", "Run a local Kubernetes control plane (API server, controllers, kubelet) for kubectl and the operator.")
        {
            port, kubeconfig, gpus, nodes, modelCache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Warnings and errors of the cluster (a 500 answered, a component failing) go to stderr;
            // stdout carries only the kubeconfig path.
            using var loggers = LoggerFactory.Create(log => log
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddFilter(level => level >= LogLevel.Warning)
                .Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
            var options = Options(parse.GetValue(port), parse.GetValue(kubeconfig), parse.GetValue(gpus), parse.GetValue(nodes), parse.GetValue(modelCache));
            return await RunAsync(options with { Loggers = loggers }, Console.Out, Console.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>The whole control plane: API server, CRDs, webhooks, controllers, scheduler, kubelet, service proxy.</summary>
    public static LocalClusterOptions Options(int port, string? kubeconfig, int gpus, int nodes, string? modelCache = null) =>
        StandardCluster.Options(port, kubeconfig, gpus, nodes, modelCache: modelCache is null ? null : Path.GetFullPath(modelCache));

    /// <summary>Starts the cluster, reports where it is, and serves until <paramref name="stop"/> fires.</summary>
    public static async Task<int> RunAsync(LocalClusterOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Ctrl+C and SIGTERM stop the cluster cleanly instead of ending the process at once: the
        // kubelet's child processes must be stopped before we exit.
        using var signalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var stop = signalled.Token;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.Cancel();
        }

        LocalClusterHost cluster;
        try
        {
            cluster = await LocalClusterHost.StartAsync(options.Validated(), stop);
        }
        catch (ArgumentOutOfRangeException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message.Split(" (Parameter")[0]}");
            return BadOptions;
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"error: the API server could not listen on 127.0.0.1:{options.Port} ({e.Message}); choose another --port, or 0 for any free port");
            return StartFailed;
        }

        await using (cluster)
        {
            await stdout.WriteLineAsync(Path.GetFullPath(cluster.KubeconfigPath));
            await stdout.FlushAsync(CancellationToken.None);
            await stderr.WriteLineAsync($"API server listening on {cluster.Address}; use: kubectl --kubeconfig {cluster.KubeconfigPath} get ns");
            if (cluster.Components.OfType<LocalKubelet>().FirstOrDefault()?.ModelCache is { } cache)
                await stderr.WriteLineAsync($"Model cache (HF_HUB_CACHE of engine pods): {cache}");
            await stderr.WriteLineAsync("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
                await stderr.WriteLineAsync("Stopping the local cluster.");
            }
        }

        return Stopped;
    }
}
