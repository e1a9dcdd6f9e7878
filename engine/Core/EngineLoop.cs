using System.Diagnostics;
using System.Threading.Channels;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Telemetry;

namespace LlmOperator.Engine.Core;

/// <summary>
/// The one thread that owns the <see cref="LlmEngine"/>: requests, cancellations and injected failures arrive on a
/// channel and are applied between steps, so the scheduler, the cache and the model are never touched concurrently.
/// It steps while there is work and sleeps on the channel otherwise. A step that throws goes to
/// <paramref name="onStepFailure"/>: a fatal failure (a CUDA error) fails every request and stops the loop; any other
/// error fails the requests of that step only, and the loop serves on.
/// </summary>
public sealed class EngineLoop : IDisposable
{
    private readonly LlmEngine _engine;
    private readonly Func<Exception, bool> _onStepFailure;
    private readonly Channel<Action> _commands = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _thread;
    private volatile Exception? _fatal;
    private int _inFlight;

    /// <param name="onStepFailure">Reports a step's exception; true when it is fatal (the engine must stop).</param>
    public EngineLoop(LlmEngine engine, Func<Exception, bool> onStepFailure)
    {
        _engine = engine;
        _onStepFailure = onStepFailure;
        _thread = new Thread(Run) { IsBackground = true, Name = "engine-loop" };
        _thread.Start();
    }

    public LlmEngine Engine => _engine;

    /// <summary>Requests submitted and not yet finished (running, waiting, or still on the channel).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Queues a request; read its outputs from the returned stream. Thread-safe.</summary>
    public RequestStream Submit(GenerationInput input)
    {
        var outputs = Channel.CreateUnbounded<RequestOutput>(new UnboundedChannelOptions { SingleWriter = true, SingleReader = true });
        if (_fatal is { } fatal) throw fatal;
        Interlocked.Increment(ref _inFlight);
        var counted = new CountingWriter(outputs.Writer, () => Interlocked.Decrement(ref _inFlight));
        try
        {
            Post(() =>
            {
                try { _engine.Add(input, counted); }
                catch (Exception e) { counted.TryComplete(e); }
            });
        }
        catch (Exception e)
        {
            counted.TryComplete(e);
            throw;
        }
        return new RequestStream(input.RequestId, outputs.Reader, this);
    }

    /// <summary>Cancels a request (its client went away); its blocks are freed before the next step.</summary>
    /// <remarks>Never throws: after a fatal failure there is nothing left to cancel.</remarks>
    public void Abort(string requestId) => _commands.Writer.TryWrite(() => _engine.Abort(requestId));

    /// <summary>Raises <paramref name="kind"/> in the loop, as an asynchronous kernel error would surface there.</summary>
    public void InjectFailure(ChaosKind kind) => Post(() => ChaosFailures.Raise(kind));

    /// <summary>Runs <paramref name="action"/> on the loop thread and waits for it (start-up warm-up, tests).</summary>
    public Task RunOnLoopAsync(Action<LlmEngine> action)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { action(_engine); done.SetResult(); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    private void Post(Action command)
    {
        if (!_commands.Writer.TryWrite(command))
            throw _fatal ?? new InvalidOperationException("The engine loop has stopped.");
    }

    private void Run()
    {
        var reader = _commands.Reader;
        while (true)
        {
            if (!_engine.HasUnfinishedRequests && !reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                return; // completed: disposed
            try
            {
                while (reader.TryRead(out var command)) command();
                _engine.Step();
            }
            catch (Exception e)
            {
                if (!HandleFailure(e)) return;
            }
        }
    }

    /// <summary>False when the failure is fatal and the loop must end.</summary>
    private bool HandleFailure(Exception e)
    {
        bool fatal = _onStepFailure(e);
        var failed = _engine.Scheduled?.Scheduled.Select(s => s.Request.Id).ToList();
        if (!fatal)
        {
            _engine.Fail(e, failed ?? []);
            return true;
        }
        _fatal = e;
        _commands.Writer.TryComplete();
        _engine.Fail(e);
        // Requests that were still on the channel get the same failure.
        while (_commands.Reader.TryRead(out var command))
        {
            try { command(); } catch (Exception) { /* the engine has failed; anything posted now fails with it */ }
            _engine.Fail(e);
        }
        return false;
    }

    public void Dispose()
    {
        _commands.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
        _engine.Dispose();
    }

    /// <summary>Decrements the in-flight count exactly once, when the request's stream completes.</summary>
    private sealed class CountingWriter(ChannelWriter<RequestOutput> inner, Action onComplete) : ChannelWriter<RequestOutput>
    {
        private int _completed;

        public override bool TryWrite(RequestOutput item) => inner.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => inner.WaitToWriteAsync(cancellationToken);

        public override bool TryComplete(Exception? error = null)
        {
            if (Interlocked.Exchange(ref _completed, 1) == 0) onComplete();
            return inner.TryComplete(error);
        }
    }
}
