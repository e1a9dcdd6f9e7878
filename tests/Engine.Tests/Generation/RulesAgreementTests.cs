using System.Text.RegularExpressions;
using LlmOperator.Engine.Hosting;
using LlmOperator.Engine.Models;
using LlmOperator.Rules.Contract;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Engine.Tests.Generation;

/// <summary>
/// Check 2: the rules and the engine agree. Configurations around every boundary (maxModelLen just below, at and above
/// C and the model's maximum, not a multiple of C; tensor-parallel sizes 1..8; block sizes that do and do not divide C
/// or are unsupported) go through <see cref="DeploymentRules"/> and through <c>generate</c>: every accepted one runs a
/// short generation (and, being the same model, yields the same tokens), every rejected one is refused at start-up with
/// InvalidSettings and exactly the rules' error ids.
/// </summary>
public sealed partial class RulesAgreementTests(MadeModels models) : IClassFixture<MadeModels>
{
    private static readonly int[] Prompt = [5, 17, 99, 3, 250, 42, 7, 301, 12, 64];
    private const int Generated = 2;

    public static TheoryData<string> ModelNames => ["tiny-llama4", "tiny-llama4-c96", "tiny-llama"];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Generate_Should_AgreeWithRules_When_SettingsAreAroundBoundaries(string name)
    {
        string directory = Directory(name);
        var architecture = ModelSource.Resolve(directory);
        var accepted = new List<(EngineSettings Settings, IReadOnlyList<int> Tokens)>();
        int rejected = 0;
        foreach (var settings in Configurations(architecture.AttentionChunkSize, architecture.MaxPositionEmbeddings))
        {
            var asRun = settings with { Runtime = EngineRuntime.Engine, MaxNumSeqs = 1 };
            var report = DeploymentRules.Validate(architecture, asRun, StartupValidator.Inventory);
            var run = InProcessGenerate.Run(directory, Prompt, Generated, asRun);
            if (report.IsValid)
            {
                Assert.True(run.ExitCode == 0, $"{Describe(asRun)}: the rules accept it but generate exited {run.ExitCode}:\n{run.Stderr}");
                accepted.Add((asRun, run.Output!.TokenIds));
                continue;
            }
            rejected++;
            Assert.True(run.ExitCode == (int)FailureClass.InvalidSettings, $"{Describe(asRun)}: exit {run.ExitCode}\n{run.Stderr}");
            var expectedIds = report.Errors.Select(f => f.RuleId).ToHashSet();
            Assert.Equal(expectedIds, RuleIdsIn(run.TerminationMessage!).ToHashSet());
        }
        Assert.NotEmpty(accepted);
        Assert.True(rejected > 0);
        Assert.All(accepted, a => Assert.Equal(accepted[0].Tokens, a.Tokens));
    }

    /// <summary>One dimension at a time around a valid base, plus combinations of boundary values.</summary>
    private static IEnumerable<EngineSettings> Configurations(int? chunk, int maxPositions)
    {
        long c = chunk ?? 256;
        var baseSettings = new EngineSettings { MaxModelLen = c, BlockSize = 16 };
        foreach (int tp in Enumerable.Range(1, 8))
            yield return baseSettings with { TensorParallelSize = tp };
        foreach (long len in new[] { c - 1, c + 1, 2 * c + 5, maxPositions, maxPositions + 1L, 0 })
            yield return baseSettings with { MaxModelLen = len };
        foreach (int block in new[] { 1, 32, 64, 128, 7, 256 })
            yield return baseSettings with { BlockSize = block };
        yield return new EngineSettings { TensorParallelSize = 2, MaxModelLen = c - 1, BlockSize = 32 };
        yield return new EngineSettings { TensorParallelSize = 4, MaxModelLen = c + 1, BlockSize = 64 };
        yield return new EngineSettings { TensorParallelSize = 3, MaxModelLen = maxPositions + 1L, BlockSize = 7 };
        yield return new EngineSettings { TensorParallelSize = 4, MaxModelLen = null, BlockSize = 2 };
    }

    private string Directory(string name) => name switch
    {
        "tiny-llama4" => models.TinyLlama4,
        "tiny-llama4-c96" => models.Chunk96Llama4,
        _ => models.TinyLlama,
    };

    private static IEnumerable<string> RuleIdsIn(string terminationMessage) =>
        RuleId().Matches(terminationMessage).Select(m => m.Groups[1].Value).Distinct();

    private static string Describe(EngineSettings s) => $"TP {s.TensorParallelSize}, maxModelLen {s.MaxModelLen}, blockSize {s.BlockSize}";

    [GeneratedRegex(@"error \[([a-z0-9-]+)\]")]
    private static partial Regex RuleId();
}
