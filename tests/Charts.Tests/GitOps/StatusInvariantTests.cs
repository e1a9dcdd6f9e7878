using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.GitOps.Kstatus;

namespace LlmOperator.Charts.Tests.GitOps;

/// <summary>
/// The rules of the operator's status that make kstatus (Flux) and the Argo CD health check read it the same way,
/// checked on every status the operator wrote.
/// </summary>
public sealed class StatusInvariantTests
{
    [Theory]
    [MemberData(nameof(StatusSample.Names), MemberType = typeof(StatusSample))]
    public void Status_Should_KeepTheKstatusConditionsConsistent_When_TheOperatorWroteIt(string name)
    {
        var md = StatusSample.Named(name).Load();
        if (md["status"]?["conditions"] is null) return; // not written by the operator yet (only the CRD's default)

        var (ready, reconciling, stalled) = (Status(md, "Ready"), Status(md, "Reconciling"), Status(md, "Stalled"));

        // The operator always writes all three, so no tool falls back to "absence means normal".
        Assert.All(new[] { ready, reconciling, stalled }, s => Assert.Contains(s, new[] { "True", "False" }));
        Assert.False(reconciling == "True" && stalled == "True", $"{name}: Reconciling and Stalled are both True");
        if (ready == "True")
        {
            Assert.Equal(("False", "False"), (reconciling, stalled));
            // Ready describes the generation the status describes. That this may be older than metadata.generation
            // (generation-not-observed) is what both tools check first, before any condition.
            Assert.Equal((long?)md["status"]!["observedGeneration"], (long?)KstatusConformanceTests.Condition(md, "Ready")!["observedGeneration"]);
        }
        if (stalled == "True" || reconciling == "True") Assert.Equal("False", ready);
        if (ready == "False" && stalled == "False") Assert.Equal("True", reconciling);
    }

    [Theory]
    [MemberData(nameof(StatusSample.Names), MemberType = typeof(StatusSample))]
    public void KstatusConditions_Should_CarryTheStatusObservedGeneration_When_TheOperatorWroteThem(string name)
    {
        var md = StatusSample.Named(name).Load();
        if (md["status"] is not { } status || status["conditions"] is null) return; // only the CRD's default so far

        // Ready, Reconciling and Stalled are rewritten on every status write; Degraded and RolledBack may be kept from
        // an older generation (an invalid spec touches nothing), which their own observedGeneration then says.
        Assert.All(new[] { "Ready", "Reconciling", "Stalled" }.Select(t => (long?)KstatusConformanceTests.Condition(md, t)?["observedGeneration"]),
            g => Assert.Equal((long?)status["observedGeneration"], g));
    }

    [Theory]
    [MemberData(nameof(StatusSample.Names), MemberType = typeof(StatusSample))]
    public void RolledBack_Should_NeverBeCurrent_When_TheSpecsRevisionIsHeldBack(string name)
    {
        var md = StatusSample.Named(name).Load();
        if (Status(md, "RolledBack") != "True") return;

        // Automatic or by hand, the spec in Git does not run: Argo CD says Degraded, so kstatus must not say Current.
        Assert.Equal("False", Status(md, "Ready"));
        Assert.NotEqual(KstatusRules.Current, KstatusRules.Compute(md).Status);
    }

    private static string? Status(JsonNode md, string type) => (string?)KstatusConformanceTests.Condition(md, type)?["status"];
}
