using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Loading;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Core.Sampling;
using LlmOperator.Engine.Devices;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Telemetry;
using LlmOperator.Engine.Tests.Weights;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Tests.Core;

/// <summary>
/// A made tiny Llama 4 with chunked local attention (C = 32, so prompts of tens of tokens span chunks), written once
/// per test class; <see cref="Load"/> builds a real <see cref="LlmEngine"/> over it with a chosen KV budget.
/// </summary>
public sealed class TinyChunkedModel : IDisposable
{
    public const int ChunkSize = 32;
    public const int BytesPerBlock = 2 * 4 * 16 * 2 * 16 * 4; // K and V × 4 layers × block 16 × 2 KV heads × head dim 16 × f32

    private readonly TempDirectory _root = new();

    public TinyChunkedModel()
    {
        Directory = Path.Combine(_root.Path, "tiny-llama4-c32");
        ModelMaker.Make(new MakeModelRequest(Directory, ModelPresets.TinyLlama4 with { AttentionChunkSize = ChunkSize }, Seed: 5, Dtype: "F32", Shards: 1));
    }

    public string Directory { get; }

    public LlmEngine Load(int maxModelLen = 128, int blocks = 64, int maxNumSeqs = 16, int maxNumBatchedTokens = 48)
    {
        var settings = new EngineSettings
        {
            Runtime = EngineRuntime.Engine,
            MaxModelLen = maxModelLen,
            BlockSize = 16,
            MaxNumSeqs = maxNumSeqs,
            MaxNumBatchedTokens = maxNumBatchedTokens,
            Dtype = "float32",
        };
        var metrics = new EngineMetrics(new TestMeterFactory(), "engine-tests", $"{EngineMetrics.MeterName}.Tests.{Guid.NewGuid():N}");
        return EngineLoader.Load(Directory, settings, ModelSource.Resolve(Directory), DeviceSelector.Select(),
            new KvCacheBudget((long)blocks * BytesPerBlock), metrics);
    }

    public void Dispose() => _root.Dispose();
}

/// <summary>Runs requests through an engine on the test's thread, step by step, and gathers each one's outputs.</summary>
internal static class EngineRuns
{
    public static GenerationInput Greedy(string id, IReadOnlyList<int> prompt, int maxTokens) =>
        new(id, prompt, new SamplingParams { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true, Logprobs = 0 });

    /// <summary>Adds every input at once, steps to the end (<paramref name="beforeStep"/> may abort); outputs by id.</summary>
    public static Dictionary<string, List<RequestOutput>> Run(LlmEngine engine, IEnumerable<GenerationInput> inputs,
        Action<int, LlmEngine>? beforeStep = null)
    {
        var channels = new Dictionary<string, Channel<RequestOutput>>();
        foreach (var input in inputs)
        {
            channels[input.RequestId] = Channel.CreateUnbounded<RequestOutput>();
            engine.Add(input, channels[input.RequestId].Writer);
        }
        for (int step = 0; engine.HasUnfinishedRequests; step++)
        {
            Assert.True(step < 10_000, "the engine did not finish its requests");
            beforeStep?.Invoke(step, engine);
            engine.Step();
        }
        return channels.ToDictionary(c => c.Key, c => Drain(c.Value.Reader));
    }

    public static int[] Prompt(int length, int seed) => Enumerable.Range(0, length).Select(i => 3 + (i * 31 + seed * 17) % 500).ToArray();

    private static List<RequestOutput> Drain(ChannelReader<RequestOutput> reader)
    {
        var outputs = new List<RequestOutput>();
        while (reader.TryRead(out var output)) outputs.Add(output);
        return outputs;
    }
}

internal sealed class TestMeterFactory : IMeterFactory
{
    public Meter Create(MeterOptions options) => new(options);

    public void Dispose() { }
}
