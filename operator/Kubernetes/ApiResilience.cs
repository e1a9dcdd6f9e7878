using System.Net;
using k8s.Autorest;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace LlmOperator.Operator.Kubernetes;

/// <summary>
/// The one resilience pipeline every API call goes through: retries with exponential back-off and jitter on 409
/// (the delegate re-reads and re-applies), 429 (honouring Retry-After), 5xx, timeouts and connection failures; and
/// a circuit breaker that stops hammering an API server that is down, so reconciles fail fast and requeue.
/// A single call is wrapped with <c>retryConflicts: false</c> (a PUT with a stale resourceVersion fails the same way
/// every time); a read-modify-write delegate is wrapped with <see cref="ForConflicts"/>, which runs it again from
/// the read.
/// </summary>
public static class ApiResilience
{
    public static ResiliencePipeline Create(int maxRetries = 5, TimeSpan? baseDelay = null, TimeProvider? clock = null,
        bool retryConflicts = true)
    {
        var builder = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => IsTransient(e) && (retryConflicts || !IsConflict(e))),
            MaxRetryAttempts = maxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(10),
            DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsServerDown),
            FailureRatio = 0.9,
            MinimumThroughput = 10,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
        });
        if (clock is not null) builder.TimeProvider = clock;
        return builder.Build();
    }

    /// <summary>
    /// Retries only 409 (Conflict, AlreadyExists): the delegate re-reads the object and re-applies its change. Other
    /// failures pass through to the per-call pipeline's handling and then to the reconcile's back-off.
    /// </summary>
    public static ResiliencePipeline ForConflicts(int maxRetries = 5, TimeSpan? baseDelay = null) =>
        new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsConflict),
            MaxRetryAttempts = maxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = baseDelay ?? TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromSeconds(1),
        }).Build();

    public static bool IsConflict(Exception exception) =>
        exception is HttpOperationException http && Status(http) == HttpStatusCode.Conflict;

    /// <summary>Worth retrying: the same call may succeed in a moment.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        HttpOperationException http => Status(http) is HttpStatusCode.Conflict or HttpStatusCode.TooManyRequests
            or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError,
        HttpRequestException or TimeoutException => true,
        TaskCanceledException canceled => canceled.InnerException is TimeoutException,
        _ => false,
    };

    /// <summary>The API server itself is failing (not our request): what opens the circuit.</summary>
    private static bool IsServerDown(Exception exception) => exception switch
    {
        HttpOperationException http => Status(http) >= HttpStatusCode.InternalServerError,
        HttpRequestException or TimeoutException => true,
        _ => false,
    };

    /// <summary>Retry-After of a 429 (seconds), else null to use the exponential delay.</summary>
    private static TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not HttpOperationException { Response: { } response } || Status((HttpOperationException)exception) != HttpStatusCode.TooManyRequests)
            return null;
        return response.Headers.TryGetValue("Retry-After", out var values) && int.TryParse(values.FirstOrDefault(), out var seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 60))
            : null;
    }

    private static HttpStatusCode Status(HttpOperationException exception) =>
        exception.Response?.StatusCode ?? HttpStatusCode.InternalServerError;
}
