using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// One request through a Service's proxy port. <paramref name="Before"/> and <paramref name="After"/> are the store's
/// resourceVersion just before the request was sent and just after it ended: whatever the proxy did for it, it did
/// against a store between those two versions. <paramref name="Body"/> is null when no HTTP response came back.
/// </summary>
internal sealed record ServiceRequest(long Before, long After, int? Status, string? Body, string? Error)
{
    /// <summary>"pod revision state" as the test pods answer: (pod, revision, state); null without a response.</summary>
    public (string Pod, string Revision, string State)? Answer =>
        Body?.Trim().Split(' ') is [var pod, var revision, var state] ? (pod, revision, state) : null;
}

/// <summary>
/// A client that keeps calling a Service through the local service proxy, a new connection per request (the proxy
/// balances connections), the way a user's traffic would during a rollout, and records every outcome.
/// </summary>
internal sealed class ServiceClientLoop : IAsyncDisposable
{
    private readonly ObjectStore _store;
    private readonly Uri _address;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ServiceRequest> _requests = [];
    private readonly Task _loop;

    public ServiceClientLoop(ObjectStore store, Uri address)
    {
        _store = store;
        _address = address;
        _loop = Task.Run(RunAsync);
    }

    public IReadOnlyList<ServiceRequest> Requests
    {
        get
        {
            lock (_requests) return _requests.ToList();
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> more requests have been made (bounded).</summary>
    public async Task MoreAsync(int count)
    {
        var target = Requests.Count + count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Requests.Count < target && DateTime.UtcNow < deadline) await Task.Delay(20);
    }

    /// <summary>Stops the loop after its current request; the requests stay readable.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        while (!_stop.IsCancellationRequested)
        {
            var before = _store.CurrentResourceVersion;
            ServiceRequest outcome;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, _address);
                request.Headers.ConnectionClose = true;
                using var response = await http.SendAsync(request, _stop.Token);
                var body = await response.Content.ReadAsStringAsync(_stop.Token);
                outcome = new ServiceRequest(before, _store.CurrentResourceVersion, (int)response.StatusCode, body, null);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                outcome = new ServiceRequest(before, _store.CurrentResourceVersion, null, null, e.Message);
            }

            lock (_requests) _requests.Add(outcome);
            try
            {
                // Keep the 2-core machine for the pods and controllers: ~30 requests a second is plenty.
                await Task.Delay(30, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
