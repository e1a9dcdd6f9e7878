using System.Diagnostics;
using LlmOperator.Engine.Attention;
using LlmOperator.Engine.Execution;
using LlmOperator.Engine.KvCache;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Parallelism;
using LlmOperator.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Benchmark;

/// <summary>
/// The engine's own prefill and decode speed on the CPU, through the production path: <see cref="ModelRunner"/> over
/// the paged KV cache with block tables from a <see cref="BlockPool"/>. Prefill is one step holding every sequence's
/// whole prompt; decode is one step per token with one new token for every sequence, greedy, as a server batches them.
/// </summary>
public sealed class EngineBench : IDisposable
{
    public const int BlockSize = 16;

    private readonly Checkpoint _checkpoint;
    private readonly CausalLm _model;
    private readonly ModelRunner _runner;

    private EngineBench(Checkpoint checkpoint, CausalLm model, ModelRunner runner)
    {
        _checkpoint = checkpoint;
        _model = model;
        _runner = runner;
    }

    /// <summary>Loads the float32 model with a cache for <paramref name="maxSequences"/> sequences of
    /// <paramref name="tokensPerSequence"/> tokens, on <paramref name="threads"/> intra-op threads.</summary>
    public static EngineBench Load(string modelDirectory, int threads, int maxSequences, int tokensPerSequence)
    {
        torch.set_num_threads(threads);
        var config = ModelConfig.Load(modelDirectory);
        var checkpoint = Checkpoint.Open(modelDirectory);
        try
        {
            var model = new CausalLm(config, checkpoint.Read, TensorParallelGroup.Create(CPU, 1), ScalarType.Float32);
            int blocks = maxSequences * ((tokensPerSequence + BlockSize - 1) / BlockSize);
            return new EngineBench(checkpoint, model, new ModelRunner(model, blocks, BlockSize, ScalarType.Float32));
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Prefills <paramref name="prompt"/> into each of <paramref name="sequences"/> sequences, runs one untimed
    /// warm-up decode step, then times <paramref name="decodeSteps"/> steps.</summary>
    public DecodeTiming Measure(IReadOnlyList<int> prompt, int sequences, int decodeSteps)
    {
        var pool = new BlockPool(_runner.NumBlocks);
        var tables = Enumerable.Range(0, sequences).Select(_ => new BlockTable(BlockSize)).ToArray();
        foreach (var table in tables)
            if (!table.EnsureCapacity(prompt.Count + decodeSteps + 1, pool))
                throw new InvalidOperationException($"the bench's KV cache of {_runner.NumBlocks} blocks cannot hold {sequences} sequences.");

        var clock = Stopwatch.StartNew();
        int[] next = Step(tables.Select(t => new StepInput(new SequenceSlice(0, prompt.Count, t.Blocks), prompt)).ToList());
        double prefillSeconds = clock.Elapsed.TotalSeconds;

        next = Decode(tables, next, prompt.Count);
        clock.Restart();
        for (int step = 1; step <= decodeSteps; step++)
            next = Decode(tables, next, prompt.Count + step);
        double decodeSeconds = clock.Elapsed.TotalSeconds;
        return new DecodeTiming(sequences, prompt.Count * sequences, prefillSeconds, decodeSteps * sequences, decodeSeconds);
    }

    private int[] Decode(BlockTable[] tables, int[] tokens, int computed) =>
        Step(tables.Select((t, s) => new StepInput(new SequenceSlice(computed, 1, t.Blocks), [tokens[s]])).ToList());

    /// <summary>Runs one step and returns each sequence's greedy next token.</summary>
    private int[] Step(IReadOnlyList<StepInput> batch)
    {
        using var scope = NewDisposeScope();
        var logits = _runner.Run(batch, LogitsSelection.LastTokenOfEachSequence); // [S, vocab]
        return logits.argmax(1).data<long>().Select(id => (int)id).ToArray();
    }

    public void Dispose()
    {
        _runner.Dispose();
        _model.Dispose();
        _checkpoint.Dispose();
    }
}
