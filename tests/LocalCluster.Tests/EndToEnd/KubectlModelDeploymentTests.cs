using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// The real kubectl with the repository's CRD and example against the whole local cluster, asserted on what it
/// prints. Nothing sets a ModelDeployment's status here (that is the operator's job): tests write it through the
/// API as the operator would.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KubectlModelDeploymentTests(ModelDeploymentClusterFixture fixture) : IClassFixture<ModelDeploymentClusterFixture>
{
    private const string Group = "inference.llmoperator.dev", Version = "v1alpha1", Plural = "modeldeployments";
    private static readonly string Example = RepositoryFiles.Of("examples", "tiny-llama4.yaml");

    private LocalClusterHost Cluster => fixture.Cluster;

    [KubectlFact]
    public async Task ApplyCrds_Should_ServeModelDeploymentsAtOnce_When_AppliedFromTheRepository()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);

        var resources = await kubectl.SucceedAsync("api-resources", "--api-group", Group);
        var crd = await kubectl.SucceedAsync("get", "crd", ModelDeploymentClusterFixture.Crd);

        Assert.Equal($"customresourcedefinition.apiextensions.k8s.io/{ModelDeploymentClusterFixture.Crd} created", fixture.CrdApplyOutput.Trim());
        Assert.Matches(@"(?m)^modeldeployments\s+md\s+inference\.llmoperator\.dev/v1alpha1\s+true\s+ModelDeployment\s*$", resources);
        Assert.Matches($@"(?m)^{ModelDeploymentClusterFixture.Crd.Replace(".", "\\.")}\s+\d{{4}}-\d\d-\d\dT", crd);
    }

    [KubectlFact]
    public async Task Apply_Should_CreateConfigureThenLeaveUnchanged_When_TheExampleIsAppliedThenChanged()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var changed = kubectl.WriteFile("tiny-llama4.yaml", File.ReadAllText(Example).Replace("replicas: 1", "replicas: 2"));

        var created = await kubectl.SucceedAsync("apply", "-f", Example);
        var table = await kubectl.SucceedAsync("get", "md");
        var configured = await kubectl.SucceedAsync("apply", "-f", changed);
        var unchanged = await kubectl.SucceedAsync("apply", "-f", changed);
        var yaml = await kubectl.SucceedAsync("get", "md", "tiny-llama4", "-o", "yaml");
        var list = await kubectl.SucceedAsync("get", "md", "-o", "yaml");

        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 created", created.Trim());
        Assert.Matches(@"(?m)^NAME\s+MODEL\s+TP\s+MAXLEN\s+READY\s+REVISION\s+PHASE\s+AGE\s*$", table);
        Assert.Matches(@"(?m)^tiny-llama4\s+llmoperator/tiny-llama4\s+2\s+4096\s+\d+s\s*$", table);
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 configured", configured.Trim());
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 unchanged", unchanged.Trim());
        Assert.Matches(@"(?m)^  replicas: 2$", yaml);
        Assert.Matches(@"(?m)^  generation: 2$", yaml); // a spec change bumps the generation
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", yaml);
        Assert.Matches(@"(?m)^    maxModelLen: 4096$", yaml);
        Assert.Matches(@"(?m)^    gpuMemoryUtilization: 0.9$", yaml); // the CRD schema's default
        Assert.StartsWith("apiVersion: v1\nitems:\n- apiVersion: inference.llmoperator.dev/v1alpha1\n  kind: ModelDeployment\n", list);
        Assert.EndsWith("kind: List\nmetadata:\n  resourceVersion: \"\"\n", list);
    }

    [KubectlFact]
    public async Task ApplyServerSide_Should_CreateThenUpdate_When_TheExampleIsAppliedTwice()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("ssa.yaml", Renamed("tiny-llama4-ssa"));

        var created = await kubectl.SucceedAsync("apply", "--server-side", "-f", manifest);
        kubectl.WriteFile("ssa.yaml", Renamed("tiny-llama4-ssa").Replace("maxNumSeqs: 32", "maxNumSeqs: 16"));
        var updated = await kubectl.SucceedAsync("apply", "--server-side", "-f", manifest);
        var seqs = await kubectl.SucceedAsync("get", "md", "tiny-llama4-ssa", "-o", "jsonpath={.spec.engine.maxNumSeqs} {.metadata.generation}");

        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4-ssa serverside-applied", created.Trim());
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4-ssa serverside-applied", updated.Trim());
        Assert.Equal("16 2", seqs);
    }

    [KubectlFact]
    public async Task GetWatch_Should_PrintTheNewRow_When_TheStatusChanges()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("watched.yaml", Renamed("watched")));
        var (process, output) = kubectl.Start("get", "md", "watched", "-w");
        using var _ = process;

        await UntilAsync(() => Rows(output(), "watched") == 1, process);
        await PatchStatusAsync("watched", """{"status":{"phase":"Progressing","currentRevision":"5d8f9c7b4"}}""");
        await UntilAsync(() => Rows(output(), "watched") == 2, process);
        Cluster.Faults.CutWatches();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, process.ExitCode);
        Assert.Matches(@"(?m)^watched\s+llmoperator/tiny-llama4\s+2\s+4096\s+\d+s\s*$", output());
        Assert.Matches(@"(?m)^watched\s+llmoperator/tiny-llama4\s+2\s+4096\s+5d8f9c7b4\s+Progressing\s+\d+s\s*$", output());
    }

    [KubectlFact]
    public async Task Describe_Should_ShowSpecStatusAndEvents_When_TheOperatorRecordedSome()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("described.yaml", Renamed("described")));
        var uid = await UidAsync("described");
        await PatchStatusAsync("described", """{"status":{"phase":"Progressing"}}""");
        await fixture.Standard.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "described.1", NamespaceProperty = "default" },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = $"{Group}/{Version}", Kind = "ModelDeployment", Name = "described", NamespaceProperty = "default", Uid = uid,
            },
            Reason = "RevisionCreated", Message = "revision 1 of 2 pods created", Type = "Normal",
            Source = new V1EventSource { Component = "llm-operator" }, Count = 1,
            FirstTimestamp = DateTime.UtcNow, LastTimestamp = DateTime.UtcNow,
        }, "default");

        var described = await kubectl.SucceedAsync("describe", "md", "described");

        Assert.Matches(@"(?m)^Name:\s+described$", described);
        Assert.Matches(@"(?m)^Kind:\s+ModelDeployment$", described);
        Assert.Matches(@"(?m)^\s+Tensor Parallel Size:\s+2$", described);
        Assert.Matches(@"(?m)^\s+Phase:\s+Progressing$", described);
        Assert.Matches(@"(?m)^\s+Normal\s+RevisionCreated\s+\d+s\s+llm-operator\s+revision 1 of 2 pods created$", described);
    }

    [KubectlFact]
    public async Task Wait_Should_MeetReadyOnlyForTheCurrentGeneration_When_TheStatusReportsIt()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        await kubectl.SucceedAsync("apply", "-f", kubectl.WriteFile("ready.yaml", Renamed("ready")));
        await kubectl.SucceedAsync("patch", "md", "ready", "--type=merge", "-p", """{"spec":{"replicas":2}}""");

        // Ready, but observed at generation 1 while the spec is at 2: not met (kubectl compares observedGeneration).
        await PatchStatusAsync("ready", ReadyStatus(observedGeneration: 1));
        var (staleCode, _, staleError) = await kubectl.RunAsync("wait", "--for=condition=Ready", "md/ready", "--timeout=2s");
        var waiting = kubectl.RunAsync("wait", "--for=condition=Ready", "md/ready", "--timeout=30s");
        await PatchStatusAsync("ready", ReadyStatus(observedGeneration: 2));
        var (code, stdout, stderr) = await waiting;

        Assert.Equal(1, staleCode);
        Assert.Contains("timed out waiting for the condition on modeldeployments/ready", staleError);
        Assert.True(code == 0, stderr);
        Assert.Equal("modeldeployment.inference.llmoperator.dev/ready condition met", stdout.Trim());
    }

    [KubectlFact]
    public async Task Patch_Should_Refuse415_When_StrategicMergeTargetsTheCustomResource()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("patched.yaml", Renamed("patched"));
        await kubectl.SucceedAsync("apply", "-f", manifest);

        var (code, _, stderr) = await kubectl.RunAsync("patch", "md", "patched", "-p", """{"spec":{"replicas":2}}""");
        var merged = await kubectl.SucceedAsync("patch", "md", "patched", "--type=merge", "-p", """{"spec":{"replicas":2}}""");
        var deleted = await kubectl.SucceedAsync("delete", "-f", manifest);
        var (getCode, _, getError) = await kubectl.RunAsync("get", "md", "patched");

        Assert.Equal(1, code);
        Assert.Contains("application/strategic-merge-patch+json is not supported", stderr);
        Assert.Equal("modeldeployment.inference.llmoperator.dev/patched patched", merged.Trim());
        Assert.Equal("modeldeployment.inference.llmoperator.dev \"patched\" deleted", deleted.Trim());
        Assert.Equal(1, getCode);
        Assert.Contains("Error from server (NotFound): modeldeployments.inference.llmoperator.dev \"patched\" not found", getError);
    }

    [KubectlFact]
    public async Task Apply_Should_RefuseUnknownField_When_TheManifestHasATypo()
    {
        using var kubectl = new Kubectl(Cluster.KubeconfigPath);

        var (code, _, stderr) = await kubectl.RunAsync("apply", "-f", RepositoryFiles.Of("examples", "invalid", "unknown-field.yaml"));

        Assert.Equal(1, code);
        Assert.Contains("strict decoding error: unknown field \"spec.engine.maxModeLen\"", stderr);
    }

    /// <summary>The example under another name, so that the tests sharing this cluster do not meet.</summary>
    private static string Renamed(string name) => File.ReadAllText(Example).Replace("name: tiny-llama4\n", $"name: {name}\n");

    private static string ReadyStatus(long observedGeneration) => $$$"""
        {"status":{"observedGeneration":{{{observedGeneration}}},"phase":"Ready","conditions":[{"type":"Ready","status":"True",
        "reason":"RevisionGood","message":"1 of 1 replicas ready","lastTransitionTime":"2025-01-01T00:00:00Z","observedGeneration":{{{observedGeneration}}}}]}}
        """;

    private async Task<string> UidAsync(string name) =>
        (string)System.Text.Json.JsonSerializer.SerializeToNode(
            await fixture.Standard.Client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, "default", Plural, name))!["metadata"]!["uid"]!;

    /// <summary>Writes status as the operator does: a merge patch of the status subresource.</summary>
    private Task PatchStatusAsync(string name, string patch) =>
        fixture.Standard.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), Group, Version, "default", Plural, name);

    private static int Rows(string output, string name) => output.Split('\n').Count(l => l.StartsWith(name + " ", StringComparison.Ordinal));

    private static async Task UntilAsync(Func<bool> condition, System.Diagnostics.Process process)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            Assert.False(process.HasExited, "kubectl get -w ended early");
            await Task.Delay(50, patience.Token);
        }
    }
}
