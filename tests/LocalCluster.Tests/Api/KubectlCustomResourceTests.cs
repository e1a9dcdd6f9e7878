using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

/// <summary>The real kubectl with the repository's CRD and examples, through the API server and the CRD components.</summary>
public sealed class KubectlCustomResourceTests
{
    private static Task<LocalClusterHost> StartAsync() => Clusters.StartAsync(o => o with
    {
        AdmissionPlugins = [_ => new CrdDefaulting(), _ => new CrdValidation(), _ => new CustomResourceDefaulting(), _ => new CustomResourceValidation()],
        Components = [c => new CrdController(c.Store, c.Registry)],
    });

    [KubectlFact]
    public async Task Apply_Should_ServeModelDeployments_When_CrdIsAppliedFromTheRepository()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster);

        var crd = await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("crds"));
        await kubectl.SucceedAsync("wait", "--for=condition=Established", "crd/modeldeployments.inference.llmoperator.dev", "--timeout=20s");
        var created = await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("examples", "tiny-llama4.yaml"));
        var table = await kubectl.SucceedAsync("get", "md");
        var yaml = await kubectl.SucceedAsync("get", "md", "tiny-llama4", "-o", "yaml");

        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/modeldeployments.inference.llmoperator.dev created", crd.Trim());
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 created", created.Trim());
        Assert.Matches(@"(?m)^NAME\s+MODEL\s+TP\s+MAXLEN\s+READY\s+REVISION\s+PHASE\s+AGE\s*$", table);
        Assert.Matches(@"(?m)^tiny-llama4\s+llmoperator/tiny-llama4\s+2\s+4096\s+", table);
        Assert.Contains("generation: 1", yaml);
    }

    [KubectlFact]
    public async Task Wait_Should_Succeed_When_StatusPatchMakesResourceReady()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster);
        await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("crds"));
        await kubectl.SucceedAsync("wait", "--for=condition=Established", "crd/modeldeployments.inference.llmoperator.dev", "--timeout=20s");
        await kubectl.SucceedAsync("apply", "--server-side", "-f", RepositoryFiles.Of("examples", "tiny-llama4.yaml"));

        var waiting = kubectl.RunAsync("wait", "--for=condition=Ready", "md/tiny-llama4", "--timeout=30s");
        var patched = await kubectl.SucceedAsync("patch", "md", "tiny-llama4", "--subresource=status", "--type=merge", "-p",
            """{"status":{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"Serving","message":"ok","lastTransitionTime":"2024-01-01T00:00:00Z","observedGeneration":1}]}}""");
        var (code, stdout, stderr) = await waiting;

        Assert.Contains("patched", patched);
        Assert.True(code == 0, stderr);
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 condition met", stdout.Trim());
    }

    [KubectlFact]
    public async Task Patch_Should_Refuse415_When_StrategicMergeTargetsCustomResource()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster);
        await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("crds"));
        await kubectl.SucceedAsync("wait", "--for=condition=Established", "crd/modeldeployments.inference.llmoperator.dev", "--timeout=20s");
        await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("examples", "tiny-llama4.yaml"));

        var (code, _, stderr) = await kubectl.RunAsync("patch", "md", "tiny-llama4", "-p", """{"spec":{"replicas":2}}""");
        var merged = await kubectl.SucceedAsync("patch", "md", "tiny-llama4", "--type=merge", "-p", """{"spec":{"replicas":2}}""");
        var deleted = await kubectl.SucceedAsync("delete", "-f", RepositoryFiles.Of("examples", "tiny-llama4.yaml"));

        Assert.Equal(1, code);
        Assert.Contains("application/strategic-merge-patch+json is not supported", stderr);
        Assert.Equal("modeldeployment.inference.llmoperator.dev/tiny-llama4 patched", merged.Trim());
        Assert.Equal("modeldeployment.inference.llmoperator.dev \"tiny-llama4\" deleted", deleted.Trim());
    }

    [KubectlFact]
    public async Task Apply_Should_RefuseUnknownField_When_ManifestHasATypo()
    {
        await using var cluster = await StartAsync();
        using var kubectl = new Kubectl(cluster);
        await kubectl.SucceedAsync("apply", "-f", RepositoryFiles.Of("crds"));
        await kubectl.SucceedAsync("wait", "--for=condition=Established", "crd/modeldeployments.inference.llmoperator.dev", "--timeout=20s");

        var (code, _, stderr) = await kubectl.RunAsync("apply", "-f", RepositoryFiles.Of("examples", "invalid", "unknown-field.yaml"));

        Assert.Equal(1, code);
        Assert.Contains("strict decoding error: unknown field \"spec.engine.maxModeLen\"", stderr);
    }
}
