using System.Net;
using System.Net.Sockets;
using LlmOperator.Engine.Hosting;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Engine.Tests.Core;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>
/// Every test class that talks to an in-process server runs in this one collection, and the servers live until the
/// last of them is done: the server tests then never run beside each other on the machine's two cores (the guard and
/// concurrency tests hold requests open and wait on gauges), and each server starts once. Their metrics are kept
/// apart by a meter per server (<see cref="InProcessServer.MeterName"/>), not by this collection.
/// </summary>
[CollectionDefinition(Name)]
public sealed class InProcessServers : ICollectionFixture<InProcessServer>, ICollectionFixture<GuardedServer>
{
    public const string Name = "in-process servers";
}

/// <summary>
/// The real <c>serve</c> path (<see cref="ServeRunner"/>: rules, Kestrel on loopback, model load, warm-up, engine loop)
/// run inside the test process over a made tiny chunked Llama 4, so libtorch loads once. Served as "tiny".
/// </summary>
public class InProcessServer : IAsyncLifetime
{
    // Long enough that a tiny model's request asked for thousands of tokens is still running when a test cancels it.
    public const int MaxModelLen = 4096;

    /// <summary>
    /// The served name, unique per server: it is also the <c>model_name</c> label and names the server's own meter
    /// (see <see cref="ServeOptions.MeterName"/>), so servers sharing this process never share metric streams.
    /// </summary>
    public virtual string ModelName { get; } = $"tiny-{Guid.NewGuid():N}"[..13];

    /// <summary>This server's own meter: the exporter's <c>otel_scope_name</c> label.</summary>
    public string MeterName => $"{EngineMetrics.MeterName}.{ModelName}";

    private readonly TinyChunkedModel _model = new();
    private readonly TempDirectory _temp = new();
    private readonly CancellationTokenSource _stop = new();
    private Task<int>? _run;

    public HttpClient Http { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Settings a derived fixture may change (API key, queue bound).</summary>
    protected virtual ServeOptions Configure(ServeOptions options) => options;

    public async Task InitializeAsync()
    {
        int port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var options = Configure(new ServeOptions
        {
            Model = _model.Directory,
            Settings = new EngineSettings
            {
                Runtime = EngineRuntime.Engine, MaxModelLen = MaxModelLen, BlockSize = 16, MaxNumSeqs = 64,
                MaxNumBatchedTokens = 256, Dtype = "float32",
            },
            Host = "127.0.0.1",
            Port = port,
            ServedModelNames = [ModelName],
            MeterName = MeterName,
            TerminationLogPath = _temp.File("termination-log"),
            CpuKvCacheSpaceGiB = 1024.0 * TinyChunkedModel.BytesPerBlock / (1L << 30),
        });
        _run = ServeRunner.RunAsync(options, _stop.Token);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (_run.IsCompleted) throw new InvalidOperationException($"serve exited with {_run.Result} before it was ready.");
            try
            {
                using var ready = await Http.GetAsync("/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        throw new TimeoutException("serve was not ready within 60 s.");
    }

    public async Task DisposeAsync()
    {
        _stop.Cancel();
        if (_run is not null) await _run;
        Http.Dispose();
        _model.Dispose();
        _temp.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A server that needs <c>Bearer sekret</c> and runs one request with one more queued.</summary>
public sealed class GuardedServer : InProcessServer
{
    public const string ApiKey = "sekret";

    public override string ModelName { get; } = $"guarded-{Guid.NewGuid():N}"[..16];

    protected override ServeOptions Configure(ServeOptions options) => options with
    {
        ApiKey = ApiKey,
        MaxQueuedRequests = 1,
        Settings = options.Settings with { MaxNumSeqs = 1 },
    };
}
