namespace LlmOperator.Engine.Hosting;

/// <summary><c>serve</c>'s action: validate, then host. Returns the process's exit code.</summary>
public static class ServeRunner
{
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellation)
    {
        if (!StartupValidator.TryValidate(options, out var model, out int exitCode))
            return exitCode;
        return await EngineHost.RunAsync(options, model, cancellation);
    }
}
