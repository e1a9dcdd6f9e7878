namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// Samples the operator process's memory and CPU every few hundred milliseconds, keeping the last sample: its
/// VmHWM is the kernel's peak of the whole life, so the peak survives even a spike between two samples.
/// </summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private readonly OperatorProcess _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemorySampler(OperatorProcess process, TimeSpan interval)
    {
        _process = process;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                do Take();
                while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>The latest sample (null before the first).</summary>
    public ProcessSample? Last { get; private set; }

    /// <summary>Samples now, so that a caller reading <see cref="Last"/> right after sees the present.</summary>
    public ProcessSample? Take() => _process.Sample() is { } sample ? Last = sample : Last;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
