using LlmOperator.Engine.Core;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// The engine loop once start-up has built it. The API's readiness gate lets no <c>/v1/*</c> request through before
/// then, so endpoints may take <see cref="Loop"/> as present. Disposed with the host: the loop finishes its step and
/// frees the model.
/// </summary>
public sealed class EngineHandle : IDisposable
{
    private EngineLoop? _loop;

    public EngineLoop Loop => Volatile.Read(ref _loop) ?? throw new InvalidOperationException("The engine has not started yet.");

    public bool IsLoaded => Volatile.Read(ref _loop) is not null;

    public void Set(EngineLoop loop) => Volatile.Write(ref _loop, loop);

    public void Dispose() => Interlocked.Exchange(ref _loop, null)?.Dispose();
}
