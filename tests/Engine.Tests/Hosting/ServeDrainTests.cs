using System.Net;
using System.Net.Http.Json;
using LlmOperator.Engine.Tests.Core;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>
/// SIGTERM drains: what the kubelet sends a pod a rollout deletes. The request in flight is served to its end, the
/// process then exits 0; only new connections are refused (the Service has stopped sending them).
/// </summary>
public sealed class ServeDrainTests(TinyChunkedModel made) : IClassFixture<TinyChunkedModel>
{
    private const int Tokens = 1000;

    [Fact]
    public async Task Serve_Should_FinishTheRequestInFlight_When_SigtermArrivesDuringIt()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--served-model-name", "tiny", "--max-model-len", "2048",
            "--cpu-kv-cache-space", "0.01"]);
        await engine.WaitUntilReadyAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions")
        {
            Content = JsonContent.Create(new { model = "tiny", prompt = new[] { 1, 2, 3 }, max_tokens = Tokens, ignore_eos = true, stream = true, temperature = 0 }),
        };
        using var response = await engine.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await ReadEventAsync(body)); // generating

        await engine.SendSigtermAsync();
        await UntilAsync(() => engine.Stdout.Contains("Application is shutting down", StringComparison.Ordinal));
        int afterShutdown = 0;
        string? last = null;
        for (string? line; (line = await ReadEventAsync(body)) is not null; last = line) afterShutdown++;

        Assert.True(afterShutdown > 1, $"the request ended before the drain began: {afterShutdown} events after it\n{engine.Output}");
        Assert.Equal("data: [DONE]", last);
        Assert.Equal(0, await engine.WaitForExitAsync());
    }

    [Fact]
    public async Task Serve_Should_AcceptNewConnectionsDuringTheShutdownDelay_When_SigtermArrives()
    {
        using var engine = EngineProcess.Start(["--model", made.Directory, "--served-model-name", "tiny", "--max-model-len", "256",
            "--cpu-kv-cache-space", "0.01", "--shutdown-delay", "10"]);
        await engine.WaitUntilReadyAsync();

        await engine.SendSigtermAsync();
        await UntilAsync(() => engine.Stdout.Contains("accepting connections for 10s more", StringComparison.Ordinal));
        // A client that connects now (a proxy that has not yet seen the pod's deletion) is still served, on a new connection.
        using var fresh = new HttpClient { BaseAddress = engine.Http.BaseAddress };
        using var ready = await fresh.GetAsync("/ready");
        using var completion = await fresh.PostAsJsonAsync("/v1/completions", new { model = "tiny", prompt = new[] { 1, 2, 3 }, max_tokens = 2 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, completion.StatusCode);
        Assert.True(completion.Headers.ConnectionClose, "a draining engine asks clients not to reuse the connection");
        Assert.Equal(0, await engine.WaitForExitAsync());
    }

    /// <summary>The next server-sent event's data line, or null at the end of the stream.</summary>
    private static async Task<string?> ReadEventAsync(StreamReader body)
    {
        for (string? line; (line = await body.ReadLineAsync()) is not null;)
        {
            if (line.Length > 0) return line;
        }
        return null;
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(EngineProcess.Timeout);
        while (!condition()) await Task.Delay(20, timeout.Token);
    }
}
