using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class AdmissionTests
{
    [Fact]
    public async Task Create_Should_StoreMutatedObject_When_MutatingPluginChangesIt()
    {
        var labeller = new FakePlugin(mutates: true, r =>
        {
            var obj = (JsonObject)r.Object!.DeepClone();
            obj["metadata"]!["labels"] = new JsonObject { ["admitted"] = "yes" };
            return new AdmissionOutcome(obj, []);
        });
        await using var cluster = await Clusters.StartAsync(o => o with { AdmissionPlugins = [_ => labeller] });

        var created = await cluster.CreateClient().CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");

        Assert.Equal("yes", created.Metadata.Labels["admitted"]);
        Assert.Equal(AdmissionOperation.Create, Assert.Single(labeller.Seen).Operation);
    }

    [Fact]
    public async Task Create_Should_AnswerPluginError_When_ValidatingPluginDenies()
    {
        var denier = new FakePlugin(mutates: false, r => throw ApiError.Invalid(r.Type, r.Name, [("data.key", "Forbidden: not allowed here")]));
        await using var cluster = await Clusters.StartAsync(o => o with { AdmissionPlugins = [_ => denier] });
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("data.key", Assert.Single(status.Details.Causes).Field);
        Assert.Empty((await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task Write_Should_SendWarningHeaders_When_PluginWarns()
    {
        var warner = new FakePlugin(mutates: false, r => new AdmissionOutcome(r.Object, ["field \"spec.x\" is deprecated"]));
        await using var cluster = await Clusters.StartAsync(o => o with { AdmissionPlugins = [_ => warner] });
        var body = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}""";

        var (code, _, response) = await Clusters.SendAsync(cluster, HttpMethod.Post, "/api/v1/namespaces/default/configmaps", body);

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("299 - \"field \\\"spec.x\\\" is deprecated\"", Assert.Single(response.Headers.GetValues("Warning")));
    }

    [Fact]
    public async Task Plugins_Should_SeeUpdateAndDelete_When_ObjectChangesAndGoes()
    {
        var recorder = new FakePlugin(mutates: false, r => AdmissionOutcome.Unchanged(r));
        await using var cluster = await Clusters.StartAsync(o => o with { AdmissionPlugins = [_ => recorder] });
        var client = cluster.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"key":"2"}}""", V1Patch.PatchType.MergePatch), "cfg", "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "default");

        Assert.Equal([AdmissionOperation.Create, AdmissionOperation.Update, AdmissionOperation.Delete], recorder.Seen.Select(r => r.Operation));
        var update = recorder.Seen[1];
        Assert.Equal("value", (string?)update.OldObject?["data"]?["key"]);
        Assert.Equal("2", (string?)update.Object?["data"]?["key"]);
        Assert.Equal(created.Metadata.Uid, (string?)recorder.Seen[2].OldObject?["metadata"]?["uid"]);
    }

    private sealed class FakePlugin(bool mutates, Func<AdmissionRequest, AdmissionOutcome> admit) : IAdmissionPlugin
    {
        public List<AdmissionRequest> Seen { get; } = [];

        public bool Mutates => mutates;

        public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
        {
            lock (Seen) Seen.Add(request);
            return Task.FromResult(admit(request));
        }
    }
}
