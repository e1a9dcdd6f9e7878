using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.GitOps.Kstatus;

/// <summary>
/// What Flux (kstatus) concludes from the statuses the operator wrote, and that it agrees with the Argo CD health check:
/// Healthy = Current, Progressing = InProgress, Degraded = Failed.
/// </summary>
public sealed class KstatusConformanceTests
{
    /// <summary>kstatus's verdict per sample. "created" has not been reconciled yet: without the CRD's status default
    /// (observedGeneration -1) kstatus would call it Current ("the absence of any known conditions means the resource is
    /// current"); with it, InProgress, as Argo CD's Progressing.</summary>
    public static TheoryData<string, string> Expected => new()
    {
        { "created", KstatusRules.InProgress },
        { "progressing", KstatusRules.InProgress },
        { "ready", KstatusRules.Current },
        { "generation-not-observed", KstatusRules.InProgress },
        { "rolled-back", KstatusRules.Failed },
        { "manual-rollback", KstatusRules.Failed },
        { "no-good-revision", KstatusRules.Failed },
        { "invalid-spec", KstatusRules.Failed },
        { "e2e-ready", KstatusRules.Current },
        { "e2e-rolled-back", KstatusRules.Failed },
    };

    private static readonly Dictionary<string, string> ArgoToKstatus = new()
    {
        ["Healthy"] = KstatusRules.Current, ["Progressing"] = KstatusRules.InProgress, ["Degraded"] = KstatusRules.Failed,
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Compute_Should_GiveTheExpectedStatus_When_RunOnAStatusSample(string name, string expected)
    {
        var md = StatusSample.Named(name).Load();

        var result = KstatusRules.Compute(md);

        Assert.Equal(expected, result.Status);
        Assert.Equal(ExpectedMessage(md, result.Status), result.Message);
    }

    [Fact]
    public void Expected_Should_CoverEverySample_When_SamplesAreListed() =>
        Assert.Equal(StatusSample.All.Select(s => s.Name).Order(), Expected.Select(row => (string)row[0]).Order());

    [Theory]
    [MemberData(nameof(StatusSample.Names), MemberType = typeof(StatusSample))]
    public void Compute_Should_AgreeWithTheArgoCdHealthCheck_When_TheOperatorHasWrittenAStatus(string name)
    {
        var sample = StatusSample.Named(name);
        var md = sample.Load();

        Assert.Equal(ArgoToKstatus[sample.Status], KstatusRules.Compute(md).Status);
    }

    [Fact]
    public void Compute_Should_SayTerminating_When_TheResourceIsBeingDeleted()
    {
        var md = StatusSample.Named("ready").Load();
        md["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";

        Assert.Equal(new KstatusResult(KstatusRules.Terminating, "Resource scheduled for deletion"), KstatusRules.Compute(md));
    }

    [Fact]
    public void Compute_Should_FallBackToReady_When_NeitherReconcilingNorStalledIsTrue()
    {
        var md = StatusSample.Named("ready").Load();
        var ready = Condition(md, "Ready")!;
        ready["status"] = "False";
        ready["message"] = "waiting";

        Assert.Equal(new KstatusResult(KstatusRules.InProgress, "waiting"), KstatusRules.Compute(md));
    }

    /// <summary>The message kstatus gives: the deciding condition's, or the library's own text.</summary>
    private static string ExpectedMessage(JsonNode md, string status)
    {
        if (md["status"] is null) return "Resource is current";
        long generation = (long)md["metadata"]!["generation"]!, observed = (long)md["status"]!["observedGeneration"]!;
        if (generation != observed) return $"ModelDeployment generation is {generation}, but latest observed generation is {observed}";
        return status switch
        {
            KstatusRules.Current => "Resource is Ready",
            KstatusRules.Failed => (string)Condition(md, "Stalled")!["message"]!,
            _ => (string)Condition(md, "Reconciling")!["message"]!,
        };
    }

    internal static JsonNode? Condition(JsonNode md, string type) =>
        (md["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == type);
}
