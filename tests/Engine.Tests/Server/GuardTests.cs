using System.Net;
using System.Net.Http.Headers;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>The API key (401) and the queue bound (429 with Retry-After) on a server with one running slot and one queued.</summary>
public sealed class GuardTests(GuardedServer server) : IClassFixture<GuardedServer>
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
        var running = ReadFirstChunkAsync(http, hangUp.Token);
        await running.First;                                              // occupies the one running slot
        var queued = http.PostAsync("/v1/completions", new { prompt = "queued", max_tokens = 2 });
        await WaitForWaitingAsync(http);                                  // occupies the one queue slot

        using var refused = await http.PostAsync("/v1/completions", new { prompt = "one too many", max_tokens = 2 });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", (await refused.JsonAsync()).GetProperty("error").GetProperty("code").GetString());
        hangUp.Cancel();                                                  // the long stream goes away: the queued one runs
        using var served = await queued;
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        await running.Done;
    }

    private HttpClient Authorized()
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GuardedServer.ApiKey);
        return http;
    }

    /// <summary>A long stream; First completes with its first chunk, Done when the hang-up ends it.</summary>
    private static (Task First, Task Done) ReadFirstChunkAsync(HttpClient http, CancellationToken hangUp)
    {
        var first = new TaskCompletionSource();
        var done = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in http.StreamAsync("/v1/completions", new { prompt = "long", max_tokens = 250, ignore_eos = true, stream = true }, hangUp))
                    first.TrySetResult();
            }
            catch (OperationCanceledException) { }
            first.TrySetResult();
        });
        return (first.Task, done);
    }

    private async Task WaitForWaitingAsync(HttpClient http)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(20))
            if (ApiClient.Sample(await http.MetricsAsync(), "vllm:num_requests_waiting", $"model_name=\"{server.ModelName}\"") >= 1) return;
        throw new TimeoutException("the second request never queued");
    }

    private static StringContent JsonContent(object body) =>
        new(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
