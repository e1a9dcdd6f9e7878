using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace LlmOperator.Engine.LoadGen;

/// <summary>
/// The engine side of a load run: starts <c>serve</c> in a child process (libtorch limited to the run's threads
/// through OMP_NUM_THREADS), then at each concurrency level runs that many HTTP clients, each streaming its next
/// request from the level's list as soon as the previous one ends (closed loop), timing every SSE chunk. A chunk is
/// one token: with <c>ignore_eos</c> and no stop strings every step emits exactly one.
/// </summary>
public sealed class EngineServerLoad : IDisposable
{
    private readonly Process _server;
    private readonly HttpClient _http;

    private EngineServerLoad(Process server, HttpClient http) => (_server, _http) = (server, http);

    public static async Task<EngineServerLoad> StartAsync(string model, LoadSides sides, int maxNumSeqs, int maxModelLen)
    {
        int port = FreePort();
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(typeof(EngineServerLoad).Assembly.Location);
        foreach (string a in new[] { "serve", "--model", model, "--host", "127.0.0.1", "--port", port.ToString(), "--max-num-seqs", maxNumSeqs.ToString(),
                     "--max-model-len", maxModelLen.ToString(), "--max-num-batched-tokens", Math.Max(sides.BatchTokens, maxNumSeqs).ToString(), "--termination-log-path", Path.Combine(Path.GetTempPath(), $"loadgen-{port}.log") })
            start.ArgumentList.Add(a);
        start.Environment["OMP_NUM_THREADS"] = sides.Threads.ToString();
        var server = Process.Start(start) ?? throw new InvalidOperationException("could not start the engine server.");
        server.OutputDataReceived += (_, _) => { };
        server.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"engine: {line}"); };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(30) };
        var load = new EngineServerLoad(server, http);
        await load.WaitReadyAsync();
        return load;
    }

    public async Task<LevelResult> RunAsync(int concurrency, IReadOnlyList<LoadRequest> requests)
    {
        int next = -1;
        var timings = new RequestTiming[requests.Count];
        var clock = Stopwatch.StartNew();
        var clients = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            for (int i = Interlocked.Increment(ref next); i < requests.Count; i = Interlocked.Increment(ref next))
                timings[i] = await StreamOneAsync(requests[i], clock);
        }));
        await Task.WhenAll(clients);
        return new LevelResult(concurrency, clock.Elapsed.TotalSeconds, timings);
    }

    private async Task<RequestTiming> StreamOneAsync(LoadRequest request, Stopwatch clock)
    {
        double sent = clock.Elapsed.TotalSeconds;
        var body = new { prompt = request.Prompt, max_tokens = request.OutputTokens, temperature = 0, ignore_eos = true, stream = true };
        using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent.Create(body) };
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var tokens = new List<double>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]") continue;
            using var chunk = JsonDocument.Parse(line.AsMemory(6));
            if (chunk.RootElement.TryGetProperty("error", out var error)) throw new InvalidOperationException($"the engine failed a request: {error}");
            tokens.Add(clock.Elapsed.TotalSeconds);
        }
        if (tokens.Count == 0) throw new InvalidOperationException("a request produced no tokens.");
        return new RequestTiming(sent, tokens[0], [.. tokens.Skip(1)], clock.Elapsed.TotalSeconds, tokens.Count);
    }

    private async Task WaitReadyAsync()
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(5); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            if (_server.HasExited) throw new InvalidOperationException($"the engine server exited with {_server.ExitCode} before it was ready.");
            try
            {
                using var ready = await _http.GetAsync("/ready");
                if (ready.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
        }
        throw new TimeoutException("the engine server was not ready within 5 minutes.");
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_server.HasExited)
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(10_000);
        }
        _server.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
