using System.CommandLine;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Hosting;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>How <c>serve</c>'s vLLM-compatible flags map to <see cref="ServeOptions"/> and <see cref="EngineSettings"/>.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public void Bind_Should_MapEveryEngineFlag_When_AllAreGiven()
    {
        var options = Bind("--model", "meta-llama/Llama-4-Scout-17B-16E-Instruct", "--tensor-parallel-size", "8",
            "--max-model-len", "131072", "--block-size", "32", "--gpu-memory-utilization", "0.85", "--max-num-seqs", "64",
            "--max-num-batched-tokens", "16384", "--dtype", "bfloat16");

        var expected = new EngineSettings
        {
            Runtime = EngineRuntime.Engine,
            TensorParallelSize = 8,
            MaxModelLen = 131072,
            BlockSize = 32,
            GpuMemoryUtilization = 0.85,
            MaxNumSeqs = 64,
            MaxNumBatchedTokens = 16384,
            Dtype = "bfloat16",
        };
        Assert.Equal(expected, options.Settings);
        Assert.Equal("meta-llama/Llama-4-Scout-17B-16E-Instruct", options.Model);
    }

    [Fact]
    public void Bind_Should_UseVllmDefaults_When_OnlyModelIsGiven()
    {
        var options = Bind("--model", "llmoperator/tiny-llama4", "--termination-log-path", "/tmp/t");

        Assert.Equal(new EngineSettings(), options.Settings);
        Assert.Null(options.Settings.MaxModelLen);
        Assert.Null(options.Settings.MaxNumBatchedTokens);
        Assert.Equal("0.0.0.0", options.Host);
        Assert.Equal(8000, options.Port);
        Assert.Equal(["llmoperator/tiny-llama4"], options.ServedModelNames);
        Assert.Equal("/tmp/t", options.TerminationLogPath);
        Assert.Same(ChaosOptions.None, options.Chaos);
    }

    [Fact]
    public void Bind_Should_AcceptShortTpAliasAndSeveralServedNames()
    {
        var options = Bind("--model", "m", "-tp", "2", "--served-model-name", "a", "b", "--host", "127.0.0.1", "--port", "9000");

        Assert.Equal(2, options.Settings.TensorParallelSize);
        Assert.Equal(["a", "b"], options.ServedModelNames);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(9000, options.Port);
    }

    [Theory]
    [InlineData("device-assert", ChaosKind.DeviceAssert)]
    [InlineData("illegal-memory-access", ChaosKind.IllegalMemoryAccess)]
    [InlineData("out-of-memory", ChaosKind.OutOfMemory)]
    [InlineData("xid", ChaosKind.Xid)]
    public void Bind_Should_MapChaosKind(string flag, ChaosKind kind)
    {
        var options = Bind("--model", "m", "--chaos-failure", flag, "--chaos-after-requests", "3", "--chaos-after-seconds", "1.5");

        Assert.Equal(new ChaosOptions(kind, 3, TimeSpan.FromSeconds(1.5)), options.Chaos);
        Assert.Equal(3, options.Chaos.FailingRequest);
    }

    [Fact]
    public void Bind_Should_FailFirstRequest_When_ChaosHasNoTrigger()
    {
        Assert.Equal(1, Bind("--model", "m", "--chaos-failure", "xid").Chaos.FailingRequest);
        Assert.Null(Bind("--model", "m", "--chaos-failure", "xid", "--chaos-after-seconds", "2").Chaos.FailingRequest);
    }

    [Theory]
    [InlineData("--tensor-parallel-size", "2")]                                     // no --model
    [InlineData("--model", "m", "--max-model-len", "long")]                         // not a number
    [InlineData("--model", "m", "--port", "70000")]                                 // not a port
    [InlineData("--model", "m", "--chaos-failure", "meteor")]                       // unknown kind
    [InlineData("--model", "m", "--chaos-after-requests", "2")]                     // trigger without kind
    [InlineData("--model", "m", "--chaos-failure", "xid", "--chaos-after-requests", "0")]
    [InlineData("--model", "m", "--enforce-eager")]                                  // a vLLM flag the engine lacks
    public void Parse_Should_ReportUsageError_When_FlagsAreUnparseable(params string[] args)
    {
        var (_, result) = Parse(args);

        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Describe_Should_NameTheEngineFlagAndRuleId()
    {
        var finding = new Finding(RuleIds.TpAttentionHeads, Severity.Error, Fields.TensorParallelSize, "Bad split.", "Use 1, 2 or 4.");

        Assert.Equal("error [tp-attention-heads] --tensor-parallel-size: Bad split. Fix: Use 1, 2 or 4.",
            StartupValidator.Describe(finding));
    }

    private static ServeOptions Bind(params string[] args)
    {
        var (serve, result) = Parse(args);
        Assert.Empty(result.Errors);
        return serve.Bind(result);
    }

    private static (ServeCommand Serve, ParseResult Result) Parse(string[] args)
    {
        var serve = new ServeCommand();
        var root = new RootCommand();
        root.Subcommands.Add(serve.Command);
        return (serve, root.Parse(["serve", .. args]));
    }
}
