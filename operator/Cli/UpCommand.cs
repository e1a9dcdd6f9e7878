using System.CommandLine;
using System.Runtime.InteropServices;
using LlmOperator.Operator.Up;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>up [--kubeconfig FILE] [--model-cache DIR] [--port P]</c>: the README's main command — local control plane, CRD,
/// operator with webhooks, the tiny example Ready and answering through its Service — then serves until Ctrl+C or
/// SIGTERM and stops every process it started. Exit codes: 0 stopped by a signal, 1 a step failed (named on stderr),
/// 2 bad options.
/// </summary>
internal static class UpCommand
{
    public const int Stopped = 0, Failed = 1, BadOptions = 2;

    public static Command Create()
    {
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "Where to write the kubeconfig (default: a temporary file, removed on exit)." };
        var modelCache = new Option<string?>("--model-cache")
        {
            Description = "The node's Hugging Face hub cache (HF_HUB_CACHE of engine pods), kept between runs (default: ~/.cache/llm-operator/hub).",
        };
        var port = new Option<int>("--port") { Description = "API server port on 127.0.0.1 (0 = any free port).", DefaultValueFactory = _ => 0 };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--port must be a TCP port (0-65535)."); });
        var command = new Command("up", "Run the whole product locally: cluster, CRD, operator and webhooks, the tiny example serving through its Service.")
        {
            kubeconfig, modelCache, port,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(new UpOptions
        {
            Kubeconfig = parse.GetValue(kubeconfig) is { } k ? Path.GetFullPath(k) : null,
            ModelCache = Path.GetFullPath(parse.GetValue(modelCache) ?? UpOptions.DefaultModelCache()),
            Port = parse.GetValue(port),
        }, Console.Out, Console.Error, cancellationToken));
        return command;
    }

    private static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public static async Task<int> RunAsync(UpOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Ctrl+C and SIGTERM stop everything in order (operator, then cluster and its engine processes), not the process at once.
        using var signalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.Cancel();
        }

        using var loggers = LoggerFactory.Create(log => log
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter(level => level >= LogLevel.Warning)
            .Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
        LocalStack stack;
        try
        {
            stack = await UpRunner.StartAsync(options, stdout, loggers, signalled.Token);
        }
        catch (OperationCanceledException) when (signalled.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("Stopped while starting.");
            return Stopped;
        }
        catch (IOException e) when (options.Port != 0 && !PortIsFree(options.Port))
        {
            await stderr.WriteLineAsync($"error: the API server could not listen: --port {options.Port} is taken: choose another, or 0 for any free port ({e.Message})");
            return Failed;
        }
        catch (Exception e) when (e is UpException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return e is ArgumentOutOfRangeException ? BadOptions : Failed;
        }

        await using (stack)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, signalled.Token);
            }
            catch (OperationCanceledException)
            {
                await stdout.WriteLineAsync("Stopping: operator, engine processes, local cluster.");
            }
        }
        return Stopped;
    }
}
