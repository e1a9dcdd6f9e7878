using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class PatchTests
{
    private static readonly ResourceType Widgets = new("example.io", "v1", "Widget", "widgets", Namespaced: true, HasStatusSubresource: true);

    [Fact]
    public async Task MergePatch_Should_DeleteFields_When_PatchHasNull()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(
            Clusters.ConfigMap("cfg", new Dictionary<string, string> { ["keep"] = "1", ["drop"] = "2" }), "default");

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"data":{"drop":null,"added":"3"}}""", V1Patch.PatchType.MergePatch), "cfg", "default");

        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["added"] = "3" }, patched.Data);
    }

    [Fact]
    public async Task JsonPatch_Should_ApplyOperationsInOrder_When_AllSucceed()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");

        var patched = await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            """[{"op":"test","path":"/data/key","value":"value"},{"op":"add","path":"/data/other","value":"x"},{"op":"remove","path":"/data/key"}]""",
            V1Patch.PatchType.JsonPatch), "cfg", "default");

        Assert.Equal(new Dictionary<string, string> { ["other"] = "x" }, patched.Data);
    }

    [Fact]
    public async Task JsonPatch_Should_Answer422_When_TestOperationFails()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");

        var (code, _) = await Clusters.FailureOf(() => client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"test","path":"/data/key","value":"other"}]""", V1Patch.PatchType.JsonPatch), "cfg", "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task JsonPatch_Should_Answer409_When_PatchPinsAnOldResourceVersion()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"key":"newer"}}""", V1Patch.PatchType.MergePatch), "cfg", "default");

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(
            $$"""[{"op":"replace","path":"/metadata/resourceVersion","value":"{{created.Metadata.ResourceVersion}}"},{"op":"replace","path":"/data/key","value":"lost"}]""",
            V1Patch.PatchType.JsonPatch), "cfg", "default"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", status.Reason);
    }

    [Fact]
    public async Task StrategicMergePatch_Should_MergeContainersByName_When_KubectlAppliesDeployment()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var deployment = Clusters.Deployment("web", image: "nginx:1.25");
        deployment.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "proxy:1" });
        deployment.Spec.Template.Spec.Containers[0].Env = [new V1EnvVar { Name = "A", Value = "1" }, new V1EnvVar { Name = "B", Value = "1" }];
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        // The shape kubectl 1.32 sends on a second client-side apply (reference §1).
        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"},{"name":"sidecar"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"B"}],"env":[{"name":"A","value":"2"}],"image":"nginx:1.26","name":"web"}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch), "web", "default");

        var containers = patched.Spec.Template.Spec.Containers;
        Assert.Equal(["web", "sidecar"], containers.Select(c => c.Name));
        Assert.Equal("nginx:1.26", containers[0].Image);
        Assert.Equal(["A=2", "B=1"], containers[0].Env.Select(e => $"{e.Name}={e.Value}"));
        Assert.Equal("proxy:1", containers[1].Image);
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task StrategicMergePatch_Should_DeleteElement_When_PatchDirectiveIsDelete()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var deployment = Clusters.Deployment("web");
        deployment.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "proxy:1" });
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        var patched = await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch), "web", "default");

        Assert.Equal(["web"], patched.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task StrategicMergePatch_Should_Answer415_When_KindIsCustom()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Registry.Add(Widgets);
        var client = cluster.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(Widget("w", 1), "example.io", "v1", "default", "widgets");

        var (code, status) = await Clusters.FailureOf(() => client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.StrategicMergePatch), "example.io", "v1", "default", "widgets", "w"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
        Assert.Equal("UnsupportedMediaType", status.Reason);
    }

    [Fact]
    public async Task ServerSideApply_Should_CreateThenUpdate_When_AppliedTwice()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Registry.Add(Widgets);
        var client = cluster.CreateClient();

        var (createCode, _, _) = await ApplyAsync(cluster, Widget("w", 1, color: "red"), "kubectl");
        var (updateCode, body, _) = await ApplyAsync(cluster, Widget("w", 2), "kubectl");

        Assert.Equal(HttpStatusCode.Created, createCode);
        Assert.Equal(HttpStatusCode.OK, updateCode);
        var stored = JsonNode.Parse(body)!;
        Assert.Equal(2, (int?)stored["spec"]?["size"]);
        Assert.Null(stored["spec"]?["color"]);
        Assert.Equal(2, (int?)stored["metadata"]?["generation"]);
        Assert.Null(stored["metadata"]?["managedFields"]);
    }

    [Fact]
    public async Task ServerSideApply_Should_Answer409_When_AnotherManagerOwnsTheField()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Registry.Add(Widgets);
        await ApplyAsync(cluster, Widget("w", 1), "kubectl");

        var (code, body, _) = await ApplyAsync(cluster, Widget("w", 5), "autoscaler");
        var (forcedCode, forcedBody, _) = await ApplyAsync(cluster, Widget("w", 5), "autoscaler", force: true);

        Assert.Equal(HttpStatusCode.Conflict, code);
        var status = JsonNode.Parse(body)!;
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.size", (string?)status["message"]);
        Assert.Equal(".spec.size", (string?)status["details"]?["causes"]?[0]?["field"]);
        Assert.Equal(HttpStatusCode.OK, forcedCode);
        Assert.Equal(5, (int?)JsonNode.Parse(forcedBody)!["spec"]?["size"]);
    }

    [Fact]
    public async Task ServerSideApply_Should_Answer400_When_FieldManagerIsMissing()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Registry.Add(Widgets);

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Patch, "/apis/example.io/v1/namespaces/default/widgets/w",
            Widget("w", 1).ToJsonString(), "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("fieldManager", body);
    }

    [Fact]
    public async Task ServerSideApply_Should_ReadYaml_When_BodyIsYaml()
    {
        await using var cluster = await Clusters.StartAsync();
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  replicas: \"3\"\n";

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Patch,
            "/api/v1/namespaces/default/configmaps/from-yaml?fieldManager=tool", yaml, "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("3", (string?)JsonNode.Parse(body)!["data"]?["replicas"]);
    }

    private static Task<(HttpStatusCode Code, string Body, HttpResponseMessage Response)> ApplyAsync(
        LocalClusterHost cluster, JsonObject obj, string manager, bool force = false) =>
        Clusters.SendAsync(cluster, HttpMethod.Patch,
            $"/apis/example.io/v1/namespaces/default/widgets/{obj["metadata"]!["name"]}?fieldManager={manager}&force={(force ? "true" : "false")}",
            obj.ToJsonString(), "application/apply-patch+yaml");

    private static JsonObject Widget(string name, int size, string? color = null)
    {
        var spec = new JsonObject { ["size"] = size };
        if (color is not null) spec["color"] = color;
        return new JsonObject
        {
            ["apiVersion"] = "example.io/v1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
    }
}
