using LlmOperator.Operator.Benchmark;

namespace LlmOperator.Operator.Tests.Benchmark;

public sealed class BenchMeasurementTests
{
    [Fact]
    public void Parse_Should_ReadEveryReconcileTiming_When_LinesComeFromTheSimpleConsoleLogger()
    {
        string[] lines =
        [
            "2026-11-26T19:01:02.345 dbug: LlmOperator.Operator.Runtime.ReconcileWorkers[0] Reconciled default/bench-001 in 12.5 ms: success ",
            "2026-11-26T19:01:02.346 info: LlmOperator.Operator.Runtime.ControllerRunner[0] Controller started: 4 workers",
            "2026-11-26T19:01:02.347 dbug: LlmOperator.Operator.Runtime.ReconcileWorkers[0] Reconciled default/bench-002 in 1.5E-05 ms: error boom",
        ];

        var timings = ReconcileLog.Parse(lines);

        Assert.Equal([new ReconcileTiming("default/bench-001", 12.5, "success"), new ReconcileTiming("default/bench-002", 1.5e-5, "error")], timings);
    }

    [Theory]
    [InlineData(50, 5)]
    [InlineData(99, 10)]
    [InlineData(100, 10)]
    [InlineData(1, 1)]
    public void Of_Should_ReturnNearestRank_When_SamplesAreSorted(double p, double expected) =>
        Assert.Equal(expected, Percentile.Of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p));

    [Fact]
    public void Parse_Should_SumBucketsOverLabels_When_ExpositionHasSeveralResults()
    {
        const string exposition = """
            # TYPE llm_operator_reconcile_duration_seconds histogram
            llm_operator_reconcile_duration_seconds_bucket{otel_scope_name="LlmOperator.Operator",result="success",le="0.1"} 8 1764180000000
            llm_operator_reconcile_duration_seconds_bucket{otel_scope_name="LlmOperator.Operator",result="success",le="+Inf"} 10 1764180000000
            llm_operator_reconcile_duration_seconds_count{otel_scope_name="LlmOperator.Operator",result="success"} 10 1764180000000
            llm_operator_reconcile_duration_seconds_bucket{result="error",le="0.1"} 1
            llm_operator_reconcile_duration_seconds_count{result="error"} 2
            llm_operator_reconciles_total{result="success"} 10
            """;

        var histogram = PrometheusHistogram.Parse(exposition, "llm_operator_reconcile_duration_seconds");

        Assert.Equal(12, histogram.Count);
        Assert.Equal(0.75, histogram.ShareAtOrBelow("0.1"));
    }

    [Fact]
    public void Validated_Should_NameTheOption_When_TrialsExceedResources()
    {
        var error = Assert.Throws<ArgumentException>(() => new BenchOptions { Resources = 5, RollbackTrials = 6 }.Validated());

        Assert.Contains("--rollback-trials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Should_ReportThisProcessMemoryAndCpu_When_ItIsAlive()
    {
        var sample = ProcessSample.Read(Environment.ProcessId);

        Assert.NotNull(sample);
        Assert.InRange(sample.RssBytes, 1, sample.PeakRssBytes);
        Assert.True(sample.CpuTime > TimeSpan.Zero);
    }
}
