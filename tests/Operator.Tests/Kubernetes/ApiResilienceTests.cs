using System.Net;
using k8s.Autorest;
using LlmOperator.Operator.Kubernetes;

namespace LlmOperator.Operator.Tests.Kubernetes;

public sealed class ApiResilienceTests
{
    private static HttpOperationException Http(HttpStatusCode code, int? retryAfter = null)
    {
        var response = new HttpResponseMessage(code);
        if (retryAfter is { } seconds) response.Headers.Add("Retry-After", seconds.ToString());
        return new HttpOperationException($"{(int)code}") { Response = new HttpResponseMessageWrapper(response, "") };
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task Execute_Should_Retry_When_FailureIsTransient(HttpStatusCode code)
    {
        var pipeline = ApiResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1));
        int calls = 0;

        var result = await pipeline.ExecuteAsync(_ => ++calls < 3 ? throw Http(code, retryAfter: 0) : ValueTask.FromResult("ok"));

        Assert.Equal(("ok", 3), (result, calls));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.UnprocessableEntity)]
    public async Task Execute_Should_NotRetry_When_RequestIsWrong(HttpStatusCode code)
    {
        var pipeline = ApiResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1));
        int calls = 0;

        await Assert.ThrowsAsync<HttpOperationException>(async () =>
            await pipeline.ExecuteAsync<string>(_ => { calls++; throw Http(code); }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Execute_Should_WaitRetryAfter_When_ServerSays429()
    {
        var pipeline = ApiResilience.Create(baseDelay: TimeSpan.FromMilliseconds(1));
        var started = DateTimeOffset.UtcNow;
        int calls = 0;

        await pipeline.ExecuteAsync(_ => ++calls < 2 ? throw Http(HttpStatusCode.TooManyRequests, retryAfter: 1) : ValueTask.FromResult(0));

        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(0.9));
    }

    [Fact]
    public void IsTransient_Should_RecogniseConnectionFailures_When_ServerIsDown()
    {
        Assert.True(ApiResilience.IsTransient(new HttpRequestException("connection refused")));
        Assert.False(ApiResilience.IsTransient(new InvalidOperationException()));
    }
}
