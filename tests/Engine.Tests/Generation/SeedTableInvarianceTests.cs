using System.Diagnostics;
using LlmOperator.Engine.Generation;
using LlmOperator.Rules.Contract;
using LlmOperator.Rules.Settings;
using Xunit.Abstractions;

namespace LlmOperator.Engine.Tests.Generation;

/// <summary>
/// Check 4, the seed's table as an invariance: tiny Llama 4 with C = 8192 and prompts up to the limit give the same
/// greedy tokens and logits for every tensor-parallel size × maxModelLen ∈ {4096 (below C), 8192 (= C), 12288 (not a
/// multiple of C)} where the request fits, and a clear refusal where it does not. The 8300-token prompt crosses the
/// chunk boundary at 8192 inside one prefill step (steps of 3000: 6000..8999), so positions ≥ 8192 attend only to
/// their own chunk on RoPE layers and get temperature tuning on NoPE layers.
/// </summary>
public sealed class SeedTableInvarianceTests(MadeModels models, ITestOutputHelper log) : IClassFixture<MadeModels>
{
    private const int Generated = 3;
    private const float Tolerance = 1e-4f;
    private static readonly int[] TensorParallelSizes = [1, 2, 4];
    private static readonly long[] MaxModelLens = [4096, 8192, 12288];

    [Fact]
    public void Generate_Should_GiveSameTokensAndLogits_When_TpAndMaxModelLenVary()
    {
        int[] longPrompt = [.. Enumerable.Range(0, 8300).Select(i => (int)((i * 2654435761L + 17) % 512))];
        int[] shortPrompt = longPrompt[..4000];
        var runs = new Dictionary<(int Prompt, int Tp, long Len), GenerateRun>();
        foreach (int tp in TensorParallelSizes)
        foreach (long len in MaxModelLens)
        foreach (var prompt in new[] { shortPrompt, longPrompt })
        {
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var run = InProcessGenerate.Run(models.TinyLlama4, prompt, Generated,
                new EngineSettings { TensorParallelSize = tp, MaxModelLen = len, MaxNumBatchedTokens = 3000 }, dumpLogits: true);
            log.WriteLine($"prompt {prompt.Length}, TP {tp}, maxModelLen {len}: exit {run.ExitCode} in {clock.Elapsed.TotalSeconds:F1} s " +
                $"({(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F1} s CPU, shared with parallel tests)");
            runs[(prompt.Length, tp, len)] = run;
        }

        foreach (var ((promptLength, tp, len), run) in runs)
        {
            bool fits = promptLength + Generated <= len;
            if (fits)
            {
                Assert.True(run.ExitCode == 0, run.Stderr);
                Assert.Equal([promptLength + Generated - 1, 512L], run.LogitsShape!);
            }
            else
            {
                AssertRefused(run, promptLength, len);
            }
        }
        AssertSame(runs.Where(r => r.Key.Prompt == 4000).Select(r => r.Value).ToList(), rows: 4000 + Generated - 1);
        var longRuns = runs.Where(r => r.Key.Prompt == 8300 && r.Value.ExitCode == 0).Select(r => r.Value).ToList();
        Assert.Equal(3, longRuns.Count);
        AssertSame(longRuns, rows: 8300 + Generated - 1);
        // The long prompt starts with the short one: its first 4000 rows are the short runs' prompt rows.
        AssertClose(runs[(4000, 1, 4096)].Logits!, longRuns[0].Logits!, rows: 4000);
    }

    private static void AssertRefused(GenerateRun run, int promptLength, long len)
    {
        Assert.Equal((int)FailureClass.Usage, run.ExitCode);
        Assert.Contains($"[{GenerateRequestChecks.PromptTooLong}]", run.Stderr);
        Assert.Contains($"maxModelLen is {len:N0}", run.Stderr);
        Assert.Contains($"{promptLength:N0} tokens", run.TerminationMessage);
        Assert.Null(run.Output);
    }

    private static void AssertSame(IReadOnlyList<GenerateRun> runs, int rows)
    {
        var baseline = runs[0];
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(baseline.Output!.TokenIds, run.Output!.TokenIds);
            AssertClose(baseline.Logits!, run.Logits!, rows);
        }
    }

    private static void AssertClose(float[] expected, float[] actual, int rows)
    {
        int n = rows * 512;
        float max = 0;
        for (int i = 0; i < n; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        Assert.True(max <= Tolerance, $"max |Δlogit| over {rows} rows = {max}");
    }
}
