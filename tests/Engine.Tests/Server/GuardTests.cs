using System.Net;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>The API key (401) and the queue bound (429 with Retry-After) on a server with one running slot and one queued.</summary>
[Collection(InProcessServers.Name)]
public sealed class GuardTests(GuardedServer server)
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("Basic c2VrcmV0")]
    public async Task Post_Should_Answer401_When_TheApiKeyIsMissingOrWrong(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/completions") { Content = JsonContent(new { prompt = "hi" }) };
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await response.JsonAsync()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Post_Should_Answer429WithRetryAfter_When_RunningAndQueuedSlotsAreTaken()
    {
        using var http = Authorized();
        using var hangUp = new CancellationTokenSource();
        var running = http.PostAsync("/v1/completions", new { prompt = "long", max_tokens = 4000, ignore_eos = true }, hangUp.Token);
        await WaitForGaugeAsync(http, "vllm:num_requests_running");         // occupies the one running slot
        var queued = http.PostAsync("/v1/completions", new { prompt = "queued", max_tokens = 2 });
        await WaitForGaugeAsync(http, "vllm:num_requests_waiting");         // occupies the one queue slot

        using var refused = await http.PostAsync("/v1/completions", new { prompt = "one too many", max_tokens = 2 });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", (await refused.JsonAsync()).GetProperty("error").GetProperty("code").GetString());
        hangUp.Cancel();                                                    // the long request's client goes away: the queued one runs
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        using var served = await queued;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Stream_Should_AbortTheRequestAndFreeItsBlocks_When_TheClientHangsUpMidStream()
    {
        using var http = Authorized();
        string before = await http.MetricsAsync();
        using var hangUp = new CancellationTokenSource();
        int chunks = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in http.StreamAsync("/v1/completions", new { prompt = "bye", max_tokens = 4000, ignore_eos = true, stream = true }, hangUp.Token))
                if (++chunks == 3) hangUp.Cancel();
        });

        var label = $"model_name=\"{server.ModelName}\"";
        string after = before;
        for (var deadline = DateTime.UtcNow.AddSeconds(120); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            after = await http.MetricsAsync();
            if (ApiClient.Sample(after, "vllm:request_success_total", label, "finished_reason=\"abort\"") > ApiClient.Sample(before, "vllm:request_success_total", label, "finished_reason=\"abort\"")
                && ApiClient.Sample(after, "vllm:num_requests_running", label) == 0) break;
        }
        Assert.Equal(1, ApiClient.Sample(after, "vllm:request_success_total", label, "finished_reason=\"abort\"") - ApiClient.Sample(before, "vllm:request_success_total", label, "finished_reason=\"abort\""));
        Assert.Equal(0, ApiClient.Sample(after, "vllm:kv_cache_usage_perc", label));
        Assert.Equal(0, ApiClient.Sample(after, "vllm:num_requests_running", label));
    }

    private HttpClient Authorized() => ApiClient.HangingUpClient(server.BaseAddress, GuardedServer.ApiKey);

    private async Task WaitForGaugeAsync(HttpClient http, string gauge)
    {
        string metrics = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(120); DateTime.UtcNow < deadline; await Task.Delay(50))
            if (ApiClient.Sample(metrics = await http.MetricsAsync(), gauge, $"model_name=\"{server.ModelName}\"") >= 1) return;
        throw new TimeoutException($"{gauge} never reached 1; metrics:\n{string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("vllm:", StringComparison.Ordinal)))}");
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
