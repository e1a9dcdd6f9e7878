using LlmOperator.Engine.Execution;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Tests.Models;
using static TorchSharp.torch;

namespace LlmOperator.Engine.Tests.Execution;

/// <summary>
/// Check 5: generating through the paged cache (prefill chunks, then one token per step) gives the logits of one full
/// forward over the whole sequence with the dense, explicitly masked reference attention. The small-chunk Llama 4
/// (C = 8, floor_scale 8) crosses several chunk boundaries and switches temperature tuning on within 40 tokens.
/// </summary>
public sealed class PagedDecodeTests
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string, int, int, int> Cases => new()
    {
        // model, tensor-parallel size, block size, step budget (prefill chunk)
        { "llama4-chunk8", 1, 4, 40 },     // one-shot prefill of the prompt
        { "llama4-chunk8", 1, 4, 1 },      // token by token from the first token
        { "llama4-chunk8", 2, 2, 5 },      // chunks that start mid-chunk and span chunk boundaries
        { "llama4-chunk8", 4, 8, 7 },
        { "llama3", 1, 4, 6 },
        { "llama3", 2, 16, 40 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GreedyLogits_Should_EqualOneShotForward_When_DecodedThroughCache(string model, int tp, int blockSize, int budget)
    {
        var config = Config(model);
        int[] prompt = [.. Enumerable.Range(0, 17).Select(i => (i * 131 + 7) % config.VocabSize)];
        const int generate = 24;
        using var lm = TestModels.Build(config, tp);
        using var runner = new ModelRunner(lm, numBlocks: (prompt.Length + generate + blockSize - 1) / blockSize, blockSize, ScalarType.Float32);

        var result = GreedyGeneration.Run(runner, new GenerationRequest(prompt, generate, budget, new HashSet<int>(), CollectLogits: true));

        Assert.Equal(generate, result.TokenIds.Count);
        long[] sequence = [.. prompt.Concat(result.TokenIds.Take(generate - 1)).Select(id => (long)id)];
        Assert.Equal(sequence.Length, result.LogitRows);
        using var expected = TensorParallelTests.DenseLogits(config, 1, sequence);   // [T + G − 1, vocab]
        using var actual = tensor(result.Logits!, [result.LogitRows, result.Vocab]);
        float maxDiff = (actual - expected).abs().max().item<float>();
        Assert.True(maxDiff <= Tolerance, $"max |Δlogit| = {maxDiff}");
        // The greedy choice of every generated token is the argmax of the reference's row before it.
        var reference = expected.argmax(1).data<long>().ToArray();
        Assert.Equal(reference.Skip(prompt.Length - 1).Select(id => (int)id), result.TokenIds);
    }

    [Fact]
    public void Run_Should_GiveEachSequenceItsOwnLogits_When_BatchMixesPrefillAndDecode()
    {
        var config = TensorParallelTests.SmallChunkLlama4();
        using var lm = TestModels.Build(config, tensorParallelSize: 2);
        using var runner = new ModelRunner(lm, numBlocks: 32, blockSize: 4, ScalarType.Float32);
        var a = new CachedSequence(runner, [.. Enumerable.Range(0, 19).Select(i => (i * 17 + 3) % 512)]);
        var b = new CachedSequence(runner, [.. Enumerable.Range(0, 12).Select(i => (i * 29 + 11) % 512)]);

        // Step 1: both prefill part of their prompt; step 2: a finishes its prompt (spanning chunk 8..15 and into 16..),
        // b decodes one token at a time; step 3: both single tokens.
        var rows = new List<Tensor>[] { [], [] };
        foreach (var (takeA, takeB) in new[] { (6, 9), (13, 1), (0, 1), (0, 1) })
        {
            var batch = new List<CachedSequence>();
            if (takeA > 0) batch.Add(a.Schedule(takeA));
            if (takeB > 0) batch.Add(b.Schedule(takeB));
            using var logits = runner.Run(batch.Select(s => s.Input!).ToList(), LogitsSelection.AllTokens);
            long offset = 0;
            foreach (var s in batch)
            {
                rows[s == a ? 0 : 1].Add(logits.narrow(0, offset, s.Input!.Slice.NewTokens));
                offset += s.Input!.Slice.NewTokens;
                s.Commit();
            }
        }

        foreach (var (sequence, i) in new[] { (a, 0), (b, 1) })
        {
            using var expected = TensorParallelTests.DenseLogits(config, 1, [.. sequence.Tokens.Select(t => (long)t)]);
            using var actual = cat(rows[i], 0);
            Assert.True(actual.allclose(expected, rtol: 0, atol: Tolerance), $"sequence {i}: max |Δ| = {(actual - expected).abs().max().item<float>()}");
        }
    }

    private static ModelConfig Config(string model) => model switch
    {
        "llama4-chunk8" => TensorParallelTests.SmallChunkLlama4(),
        _ => TestModels.Config(TestModels.TinyLlama),
    };
}
