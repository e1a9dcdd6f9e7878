using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.Charts.Tests.GitOps.Health;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Integration;

/// <summary>
/// The chart's Argo CD health check (charts/llm-operator/docs/argocd/health.lua, run by lua5.4) on the objects the
/// operator really writes, at each moment a GitOps tool looks: created, progressing, Ready, a spec not yet observed,
/// rolled back after a device-side assert, then by hand, a first revision that never worked, an invalid spec. With
/// LLMOP_STATUS_SAMPLES_DIR set, each object is saved as a fixture of tests/Charts.Tests/GitOps.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class GitOpsHealthIntegrationTests
{
    private const string DeviceAssert = """{"engine":{"extraArgs":["--chaos-failure","device-assert"]}}""";
    private static readonly string HealthScript = RepositoryPaths.Of("charts", "llm-operator", "docs", "argocd", "health.lua");

    [Fact]
    public async Task HealthCheck_Should_FollowTheOperatorsStatus_When_ADeploymentRollsOutRollsBackOrIsRefused()
    {
        await using var env = await LocalOperatorCluster.StartAsync();
        var app = await env.StartOperatorAsync();
        var created = await CreateAsync(env, LocalOperatorCluster.Tiny("tiny"));
        await AssertHealthAsync("created", created, "Progressing", "Waiting for the operator to observe generation 1");
        var broken = LocalOperatorCluster.Tiny("broken", replicas: 1);
        broken.Spec.Engine.ExtraArgs = ["--chaos-failure", "device-assert"];
        await CreateAsync(env, broken);
        var invalid = LocalOperatorCluster.Tiny("invalid", replicas: 1);
        invalid.Spec.Engine.TensorParallelSize = 3;
        await CreateAsync(env, invalid);

        await AssertProgressingOrReadyAsync(env);
        var ready = await ReachedAsync(env, "tiny", C.Ready);
        await AssertHealthAsync("ready", ready, "Healthy", Message(ready, C.Ready));

        // No operator running: the spec in Git moved on, the status still describes the old one.
        await env.StopOperatorAsync(app);
        await env.PatchSpecAsync("tiny", DeviceAssert);
        var unobserved = await GetAsync(env, "tiny");
        await AssertHealthAsync("generation-not-observed", unobserved, "Progressing",
            "Waiting for the operator to observe generation 2 (status describes generation 1)");

        await env.StartOperatorAsync();
        var rolledBack = await ReachedAsync(env, "tiny", C.RolledBack);
        await AssertHealthAsync("rolled-back", rolledBack, "Degraded", Message(rolledBack, C.Stalled));
        var manual = await RollBackByHandAsync(env, "tiny", (string)rolledBack["status"]!["currentRevision"]!);
        await AssertHealthAsync("manual-rollback", manual, "Degraded", Message(manual, C.Stalled));
        var scaledToZero = await ReachedAsync(env, "broken", C.Stalled);
        await AssertHealthAsync("no-good-revision", scaledToZero, "Degraded", Message(scaledToZero, C.Stalled));
        var refused = await ReachedAsync(env, "invalid", C.Stalled);
        await AssertHealthAsync("invalid-spec", refused, "Degraded", Message(refused, C.Stalled));
    }

    /// <summary>The first status the operator writes says Reconciling (sampled); a quick rollout may already be Ready.</summary>
    private static async Task AssertProgressingOrReadyAsync(LocalOperatorCluster env)
    {
        JsonNode md = null!;
        await env.UntilAsync(async () =>
        {
            md = await GetAsync(env, "tiny");
            return (long?)md["status"]?["observedGeneration"] == (long?)md["metadata"]!["generation"]
                && (IsTrue(md, C.Reconciling) || IsTrue(md, C.Ready));
        });
        if (IsTrue(md, C.Reconciling)) await AssertHealthAsync("progressing", md, "Progressing", Message(md, C.Reconciling));
        else await AssertHealthAsync("ready", md, "Healthy", Message(md, C.Ready));
    }

    /// <summary>`kubectl annotate md NAME inference.llmoperator.dev/rollback-to=REV`, until the operator reports it.</summary>
    private static async Task<JsonNode> RollBackByHandAsync(LocalOperatorCluster env, string name, string revision)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [EngineLabels.RollbackTo] = revision } } };
        await env.Client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonObject>(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, LocalOperatorCluster.Ns, V1Alpha1ModelDeployment.Plural, name);
        JsonNode md = null!;
        await env.UntilAsync(async () =>
        {
            md = await GetAsync(env, name);
            return (string?)Condition(md, C.Stalled)?["reason"] == "ManualRollback";
        });
        return md;
    }

    private static async Task AssertHealthAsync(string moment, JsonNode md, string status, string message)
    {
        StatusSamples.Save(moment, md);
        var health = await ArgoHealthScript.RunAsync(HealthScript, md);
        Assert.True((status, message) == (health.Status, health.Message),
            $"{moment}: expected {status} \"{message}\", the health check said {health.Status} \"{health.Message}\" for {md.ToJsonString()}");
    }

    /// <summary>The object as the API server returns it (JSON, every field), once `kubectl wait --for=condition=TYPE` would pass.</summary>
    private static async Task<JsonNode> ReachedAsync(LocalOperatorCluster env, string name, string type)
    {
        await env.WaitForConditionAsync(name, type, TimeSpan.FromSeconds(90));
        return await GetAsync(env, name);
    }

    private static async Task<JsonNode> CreateAsync(LocalOperatorCluster env, V1Alpha1ModelDeployment md) =>
        await env.Client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(md, V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, LocalOperatorCluster.Ns, V1Alpha1ModelDeployment.Plural);

    private static async Task<JsonNode> GetAsync(LocalOperatorCluster env, string name) =>
        await env.Client.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(V1Alpha1ModelDeployment.Group,
            V1Alpha1ModelDeployment.Version, LocalOperatorCluster.Ns, V1Alpha1ModelDeployment.Plural, name);

    private static JsonNode? Condition(JsonNode md, string type) =>
        (md["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => (string?)c?["type"] == type);

    private static bool IsTrue(JsonNode md, string type) => (string?)Condition(md, type)?["status"] == "True";

    private static string Message(JsonNode md, string type) => (string?)Condition(md, type)?["message"] ?? "";
}
