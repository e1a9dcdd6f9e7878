using LlmOperator.Operator.Failures;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Operator.Tests.Failures;

public sealed class PodFailureClassifierTests
{
    /// <summary>The expected verdict for every genuine sample, by id; the Z samples are the traps.</summary>
    public static TheoryData<string, PodFailureClass> Expected()
    {
        var data = new TheoryData<string, PodFailureClass>();
        void Add(PodFailureClass expected, params string[] ids) { foreach (var id in ids) data.Add(id, expected); }
        Add(PodFailureClass.GpuAssertion, "A01", "A02", "A03", "A04", "A05", "A06", "A07", "A08", "A09", "A10", "A11", "A12", "A13");
        Add(PodFailureClass.GpuAssertion, "K01", "K02", "K03", "K04", "K07", "K08", "K09", "K10", "K11", "K12", "K13", "K14",
            "K15", "K16", "K17", "K20", "K21", "K24");
        // Xid 13 (SM exception) and 109 accompany application faults; the device plugin calls them non-fatal.
        Add(PodFailureClass.GpuAssertion, "H07");
        Add(PodFailureClass.GpuOutOfMemory, "K18", "M01", "M02", "M03", "M04", "M05", "M10");
        Add(PodFailureClass.GpuHardware, "H01", "H02", "H03", "H04", "H05", "H06", "H08", "H09", "H10", "H11", "H12", "H13",
            "H14", "H15", "H20");
        // Generic engine deaths whose root cause is not in the excerpt, config/capacity errors, NCCL, ambiguous CUDA errors.
        Add(PodFailureClass.Other, "A14", "K05", "K06", "K19", "K22", "K23", "M06", "M07", "M08", "M09", "M11");
        Add(PodFailureClass.Other, "N01", "N02", "N03", "N04", "N05", "N06", "N07", "N08", "N09", "N10", "N11", "N13", "N14");
        Add(PodFailureClass.Other, "H16", "H17", "H18", "H19");
        Add(PodFailureClass.Other, "Z01", "Z02", "Z04", "Z05", "Z06", "Z07", "Z08", "Z09", "Z10");
        return data;
    }

    [Theory]
    [MemberData(nameof(Expected))]
    public void Classify_Should_SortGenuineLog_When_ReadFromPreviousLog(string id, PodFailureClass expected)
    {
        var container = new ContainerObservation(1, "Error", null, FailureTextSamples.All[id], 0, null, RunsOurEngine: false);

        var verdict = PodFailureClassifier.Classify(container);

        Assert.NotNull(verdict);
        Assert.Equal(expected, verdict.Class);
    }

    [Fact]
    public void Expected_Should_CoverEverySample_When_FixtureChanges()
    {
        var covered = Expected().Select(row => (string)row[0]).ToHashSet();
        var uncovered = FailureTextSamples.All.Keys.Where(id => !covered.Contains(id)).ToList();
        Assert.True(uncovered.Count == 0, "samples without an expected verdict: " + string.Join(", ", uncovered));
        Assert.True(FailureTextSamples.All.Count >= 80, $"only {FailureTextSamples.All.Count} samples parsed");
    }

    [Fact]
    public void Classify_Should_FindRootCause_When_ItLiesBeforeTheLast80Lines()
    {
        var log = FailureTextSamples.All["A04"] + string.Concat(Enumerable.Repeat("INFO:     Shutting down\n", 200));
        var tail = string.Join('\n', log.Split('\n').TakeLast(80));
        var container = new ContainerObservation(0, "Completed", tail, log, 0, null, RunsOurEngine: false);

        var verdict = PodFailureClassifier.Classify(container);

        Assert.Equal(PodFailureClass.GpuAssertion, verdict?.Class);
        Assert.Equal("previous log", verdict?.Source);
        Assert.Contains("Assertion", verdict?.Evidence);
    }

    [Fact]
    public void Classify_Should_TrustEngineMessage_When_OurEngineWroteOne()
    {
        var message = TerminationMessage.For(FailureClass.GpuAssertion, "CUDA error: device-side assert triggered",
            new Dictionary<string, string> { ["--max-model-len"] = "4096" }).ToJsonLine();
        var container = new ContainerObservation(10, "Error", message, null, 1, null, RunsOurEngine: true);

        var verdict = PodFailureClassifier.Classify(container);

        Assert.Equal(new FailureVerdict(PodFailureClass.GpuAssertion, "GpuAssertion: CUDA error: device-side assert triggered",
            "termination message"), verdict);
    }

    [Theory]
    [InlineData(10, PodFailureClass.GpuAssertion)]
    [InlineData(11, PodFailureClass.GpuOutOfMemory)]
    [InlineData(12, PodFailureClass.GpuHardware)]
    public void Classify_Should_UseEngineExitCode_When_MessageIsEmpty(int exitCode, PodFailureClass expected)
    {
        var container = new ContainerObservation(exitCode, "Error", "", "", 1, null, RunsOurEngine: true);

        Assert.Equal(expected, PodFailureClassifier.Classify(container)?.Class);
    }

    [Fact]
    public void Classify_Should_NotCallExitCode10Gpu_When_ContainerIsNotOurEngine()
    {
        var container = new ContainerObservation(10, "Error", "", "", 0, null, RunsOurEngine: false);

        Assert.Equal(PodFailureClass.Other, PodFailureClassifier.Classify(container)?.Class);
    }

    [Theory]
    [InlineData("OOMKilled", PodFailureClass.Other)]
    [InlineData("Error", PodFailureClass.Other)]
    public void Classify_Should_NotCall137GpuMemory_When_KilledByTheHost(string reason, PodFailureClass expected)
    {
        var container = new ContainerObservation(137, reason, "", "Killed\n", 0, null, RunsOurEngine: false);

        var verdict = PodFailureClassifier.Classify(container);

        Assert.Equal(expected, verdict?.Class);
        Assert.Contains("137", verdict?.Evidence);
    }

    [Fact]
    public void Classify_Should_ReportCrashLoop_When_RestartsHaveNoKnownCause()
    {
        var container = new ContainerObservation(1, "Error", "", "Traceback ...\nKeyError: 'x'\n", 4, "CrashLoopBackOff", RunsOurEngine: false);

        Assert.Equal(PodFailureClass.CrashLoop, PodFailureClassifier.Classify(container)?.Class);
    }

    [Fact]
    public void Classify_Should_ReturnNull_When_ContainerExitedCleanlyWithoutEvidence()
    {
        var container = new ContainerObservation(0, "Completed", "", "INFO: Finished server process [1]\n", 0, null, RunsOurEngine: false);

        Assert.Null(PodFailureClassifier.Classify(container));
    }

    [Fact]
    public void ClassifyNotReady_Should_ReportTimeout_When_DeadlinePassed()
    {
        Assert.Null(PodFailureClassifier.ClassifyNotReady(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)));
        Assert.Equal(PodFailureClass.ReadinessTimeout,
            PodFailureClassifier.ClassifyNotReady(TimeSpan.FromSeconds(31), TimeSpan.FromSeconds(30))?.Class);
    }
}
