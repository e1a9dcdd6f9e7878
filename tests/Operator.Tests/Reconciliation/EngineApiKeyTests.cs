using System.Text;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Reconciliation.Probing;
using LlmOperator.Operator.Tests.Reconciliation.Support;

namespace LlmOperator.Operator.Tests.Reconciliation;

/// <summary>
/// The engine's API key from a Secret the resource references: the pods get a reference the kubelet resolves, the
/// operator's probe authenticates with the key, and the key itself is in no object the operator writes.
/// </summary>
public sealed class EngineApiKeyTests
{
    private const string Key = "sk-test-6f1d2a9c-never-print-me";

    [Fact]
    public void Build_Should_ReferenceTheSecret_When_ApiKeySecretRefIsSet()
    {
        using var h = new ReconcilerHarness(s => s.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key", Key = "token" });

        var env = Assert.Single(EngineDeploymentBuilder.Build(h.Resource).Spec.Template.Spec.Containers[0].Env);

        Assert.Equal((EngineApiKey.EnvironmentVariable, null), (env.Name, env.Value));
        Assert.Equal(("engine-key", "token", (bool?)false), (env.ValueFrom.SecretKeyRef.Name, env.ValueFrom.SecretKeyRef.Key, env.ValueFrom.SecretKeyRef.Optional));
    }

    [Fact]
    public void Build_Should_SetNoEnvironment_When_NoApiKeyIsReferenced()
    {
        using var h = new ReconcilerHarness();

        Assert.Null(EngineDeploymentBuilder.Build(h.Resource).Spec.Template.Spec.Containers[0].Env);
    }

    [Fact]
    public async Task Reconcile_Should_ProbeWithTheKey_And_WriteItNowhere_When_SecretHoldsIt()
    {
        using var h = new ReconcilerHarness(s => s.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key" });
        PutSecret(h, "api-key", Key);

        await h.RolloutGoodAsync();

        Assert.All(h.Prober.Calls, c => Assert.Equal(Key, c.Probe.ApiKey?.Value));
        Assert.Equal("True", h.Condition(ConditionTypes.Ready).Status);
        var written = string.Join("\n", [KubernetesJson.Serialize(h.Resource), .. h.Events.Select(e => KubernetesJson.Serialize(e)),
            KubernetesJson.Serialize(h.Deployment), .. h.Pods.Select(p => KubernetesJson.Serialize(p)), .. h.Revisions.Select(r => r.Hash)]);
        Assert.DoesNotContain(Key, written, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, h.Prober.Calls[0].Probe.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reconcile_Should_LeaveTheSecretAlone_When_EveryPodIsProven()
    {
        using var h = new ReconcilerHarness(s => s.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key" });
        PutSecret(h, "api-key", Key);
        await h.RolloutGoodAsync();
        h.Cluster.Remove<V1Secret>(ReconcilerHarness.Ns, "engine-key"); // a reconcile that read it now would report it

        await h.SettleAsync();

        var ready = h.Condition(ConditionTypes.Ready);
        Assert.Equal("True", ready.Status);
        Assert.DoesNotContain("apiKeySecretRef", ready.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "does not exist; create it: kubectl -n ml create secret generic engine-key --from-literal=api-key=YOUR_KEY")]
    [InlineData("other", Key, "has no non-empty key api-key; add it, or set spec.engine.apiKeySecretRef.key to one of its keys (other)")]
    [InlineData("api-key", Key + "\n", "starts or ends with whitespace")]
    public async Task Reconcile_Should_SayWhatIsWrongWithTheSecret_When_KeyCannotBeRead(string? dataKey, string? value, string expected)
    {
        using var h = new ReconcilerHarness(s => s.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "engine-key" });
        if (dataKey is not null) PutSecret(h, dataKey, value!);

        await h.SettleAsync();

        var ready = h.Condition(ConditionTypes.Ready);
        Assert.Equal("False", ready.Status);
        Assert.Contains("spec.engine.apiKeySecretRef", ready.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ready.Message, StringComparison.Ordinal);
        Assert.Empty(h.Prober.Calls);
        Assert.DoesNotContain(Key, KubernetesJson.Serialize(h.Resource), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_Should_Redact_When_TheKeyIsFormatted() =>
        Assert.Equal("[redacted]", $"{new EngineApiKey(Key)}");

    private static void PutSecret(ReconcilerHarness h, string key, string value) => h.Cluster.Put(new V1Secret
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta { Name = "engine-key", NamespaceProperty = ReconcilerHarness.Ns },
        Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) },
    });
}
