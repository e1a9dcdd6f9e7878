using System.Diagnostics;
using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// A temporary Hugging Face hub cache holding the tiny Llama 4 as <c>llmoperator/tiny-llama4</c>, written by the
/// engine's own <c>make-model --hf-cache</c>: what a node's pre-populated cache is to <c>--model ORG/NAME</c>.
/// </summary>
public sealed class TinyModelCache : IDisposable
{
    public const string Model = "llmoperator/tiny-llama4";

    private TinyModelCache(string path) => Path = path;

    public string Path { get; }

    public static async Task<TinyModelCache> CreateAsync()
    {
        var engine = EngineLocator.Find();
        Assert.True(engine is not null, EngineLocator.NotFoundMessage());
        var cache = new TinyModelCache(Directory.CreateTempSubdirectory("tiny-hf-cache-").FullName);
        using var make = Process.Start(new ProcessStartInfo(EngineLocator.DotnetHost(),
            [engine, "make-model", "--hf-cache", cache.Path, "--name", Model, "--preset", "tiny-llama4"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var errors = make.StandardError.ReadToEndAsync();
        await make.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await make.WaitForExitAsync(timeout.Token);
        Assert.True(make.ExitCode == 0, "make-model failed: " + await errors);
        return cache;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; an engine still holding a file open must not fail the test.
        }
    }
}
