using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// Clients of a Service that keep sending completions through its proxy port, as an application would: one pooled
/// HttpClient (keep-alive connections, the way .NET clients talk to a Service), a few workers each sending its next
/// request as soon as the last one was answered, after a short pause. Counts what succeeded and what failed (an
/// exception, a status other than 200, or an answer without choices), keeping the first failures for the report.
/// </summary>
public sealed class ServiceClientLoop : IAsyncDisposable
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly string _model;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _failures = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _workers;
    private int _succeeded, _failed;

    private ServiceClientLoop(Uri service, string model, int workers)
    {
        _http = new HttpClient { BaseAddress = service, Timeout = RequestTimeout };
        _model = model;
        _workers = Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)));
    }

    public int Succeeded => Volatile.Read(ref _succeeded);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The first failures, each with when it happened (since the loop started) and why.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_failures) return _failures.ToList();
        }
    }

    public static ServiceClientLoop Start(Uri service, string model, int workers = 2) => new(service, model, workers);

    /// <summary>Waits (bounded) until <paramref name="more"/> further requests succeeded.</summary>
    public async Task UntilMoreSucceededAsync(int more, TimeSpan patience)
    {
        int target = Succeeded + more;
        using var timeout = new CancellationTokenSource(patience);
        while (Succeeded < target) await Task.Delay(50, timeout.Token);
    }

    /// <summary>Stops sending: requests in flight finish and count.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _workers;
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var failure = await SendOneAsync();
            if (failure is null) Interlocked.Increment(ref _succeeded);
            else
            {
                Interlocked.Increment(ref _failed);
                lock (_failures)
                {
                    if (_failures.Count < 10) _failures.Add($"{_clock.Elapsed.TotalSeconds:0.00}s: {failure}");
                }
            }

            try
            {
                await Task.Delay(Pause, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One completion; null when it succeeded, else why not. A request is never cut short by stopping the loop.</summary>
    private async Task<string?> SendOneAsync()
    {
        try
        {
            using var response = await _http.PostAsJsonAsync("v1/completions",
                new { model = _model, prompt = "The capital of France is", max_tokens = 4, temperature = 0 });
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) return $"HTTP {(int)response.StatusCode}: {body}";
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("choices", out var choices) && choices.GetArrayLength() > 0 ? null : $"no choices: {body}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return $"{e.GetType().Name}: {e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}";
        }
    }
}
