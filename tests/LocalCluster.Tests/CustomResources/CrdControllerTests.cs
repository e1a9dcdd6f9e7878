using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Tables;
using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.CustomResources;

public sealed class CrdControllerTests : IAsyncLifetime
{
    private const string Group = "inference.llmoperator.dev";
    private CrdCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CrdCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Create_Should_ServeTheKindWithColumnsAndSchema_When_OurCrdIsApplied()
    {
        var crd = await _cluster.ApplyCrdAsync(ModelDeploymentCrd());

        var type = _cluster.Registry.Find(Group, "v1alpha1", "modeldeployments");
        Assert.NotNull(type);
        Assert.Equal("ModelDeployment", type.Kind);
        Assert.True(type.Namespaced);
        Assert.True(type.HasStatusSubresource);
        Assert.Equal(["md"], type.ShortNames!);
        Assert.Equal(["all", "llm"], type.Categories!);
        Assert.Equal(["Model", "TP", "MaxLen", "Ready", "Revision", "Phase", "Age"], type.PrinterColumns!.Select(c => c.Name));
        Assert.Equal("object", (string?)type.OpenApiSchema!["properties"]!["spec"]!["type"]);
        Assert.Equal("True", Condition(crd, "Established"));
        Assert.Equal("True", Condition(crd, "NamesAccepted"));
        Assert.Equal("modeldeployment", (string?)crd["status"]!["acceptedNames"]!["singular"]);
        Assert.Equal("ModelDeploymentList", (string?)crd["status"]!["acceptedNames"]!["listKind"]);
        Assert.Equal(["v1alpha1"], crd["status"]!["storedVersions"]!.AsArray().Select(v => (string?)v));
        Assert.Contains(CrdController.CleanupFinalizer, crd["metadata"]!["finalizers"]!.AsArray().Select(f => (string?)f));
    }

    [Fact]
    public async Task Table_Should_PrintThePrinterColumns_When_AModelDeploymentIsListed()
    {
        await _cluster.ApplyCrdAsync(ModelDeploymentCrd());
        var type = _cluster.Registry.Find(Group, "v1alpha1", "modeldeployments")!;
        var md = await _cluster.Admission.CreateAsync(type, RepositoryFiles.LoadYaml("examples", "tiny-llama4.yaml"));
        md["status"] = JsonNode.Parse("""{"phase": "Ready", "currentRevision": "r1", "conditions": [{"type": "Ready", "status": "True"}]}""");
        md = _cluster.Store.Update(type, md, ObjectStore.UpdateScope.Status);

        var table = TableConverter.ToTable(type, [md], false, "9", null);

        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString()).ToList();
        Assert.Equal(["tiny-llama4", "llmoperator/tiny-llama4", "2", "4096", "True", "r1", "Ready"], cells.Take(7));
        Assert.Matches("^[0-9]+s$", cells[7]);
    }

    [Fact]
    public async Task Delete_Should_RemoveTheObjectsAndStopServing_When_TheCrdIsDeleted()
    {
        await _cluster.ApplyCrdAsync(ModelDeploymentCrd());
        var type = _cluster.Registry.Find(Group, "v1alpha1", "modeldeployments")!;
        await _cluster.Admission.CreateAsync(type, RepositoryFiles.LoadYaml("examples", "tiny-llama4.yaml"));

        var deleting = _cluster.Store.Delete(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev");
        await _cluster.SyncAsync();

        Assert.NotNull(deleting["metadata"]!["deletionTimestamp"]);
        Assert.Empty(_cluster.Store.List(type, null).Items);
        Assert.Null(_cluster.Store.Get(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev"));
        Assert.Null(_cluster.Registry.Find(Group, "v1alpha1", "modeldeployments"));
    }

    [Fact]
    public async Task Delete_Should_WaitForObjectsWithFinalizers_When_TheirControllerHasNotReleasedThem()
    {
        await _cluster.ApplyCrdAsync(ModelDeploymentCrd());
        var type = _cluster.Registry.Find(Group, "v1alpha1", "modeldeployments")!;
        var md = RepositoryFiles.LoadYaml("examples", "tiny-llama4.yaml");
        md["metadata"]!["finalizers"] = new JsonArray("inference.llmoperator.dev/cleanup");
        await _cluster.Admission.CreateAsync(type, md);

        _cluster.Store.Delete(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev");
        await _cluster.SyncAsync();
        var held = _cluster.Store.Get(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev");
        var stored = _cluster.Store.Get(type, "default", "tiny-llama4")!;
        stored["metadata"]!["finalizers"] = new JsonArray();
        _cluster.Store.Update(type, stored);
        await _cluster.SyncAsync();

        Assert.NotNull(held);
        Assert.Null(_cluster.Store.Get(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev"));
        Assert.Null(_cluster.Registry.Find(Group, "v1alpha1", "modeldeployments"));
    }

    [Fact]
    public async Task Update_Should_ServeTheNewVersions_When_AVersionIsAddedAndOneStopsBeingServed()
    {
        var crd = await _cluster.ApplyCrdAsync(ModelDeploymentCrd());
        var versions = crd["spec"]!["versions"]!.AsArray();
        var v1 = versions[0]!.DeepClone().AsObject();
        v1["name"] = "v1";
        versions[0]!["served"] = false;
        versions[0]!["storage"] = false;
        versions.Add(v1);

        _cluster.Store.Update(BuiltInTypes.CustomResourceDefinitions, crd);
        await _cluster.SyncAsync();
        var updated = _cluster.Store.Get(BuiltInTypes.CustomResourceDefinitions, null, "modeldeployments.inference.llmoperator.dev")!;

        Assert.Null(_cluster.Registry.Find(Group, "v1alpha1", "modeldeployments"));
        Assert.NotNull(_cluster.Registry.Find(Group, "v1", "modeldeployments"));
        Assert.Equal(["v1alpha1", "v1"], updated["status"]!["storedVersions"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public async Task Create_Should_RefuseTheNames_When_AnotherCrdServesTheKind()
    {
        await _cluster.ApplyCrdAsync(Crd("widgets", "Widget"));

        var second = await _cluster.ApplyCrdAsync(Crd("gadgets", "Widget"));

        Assert.Equal("False", Condition(second, "NamesAccepted"));
        Assert.Equal("False", Condition(second, "Established"));
        Assert.Equal("kind \"Widget\" is already in use by \"widgets\"", (string?)second["status"]!["conditions"]![0]!["message"]);
        Assert.Null(_cluster.Registry.Find("example.com", "v1", "gadgets"));
        Assert.NotNull(_cluster.Registry.Find("example.com", "v1", "widgets"));
    }

    private static JsonObject Crd(string plural, string kind) => JsonNode.Parse($$$"""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "{{{plural}}}.example.com"},
         "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "{{{plural}}}", "kind": "{{{kind}}}"},
                  "versions": [{"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {"type": "object"} } }] } }
        """)!.AsObject();

    internal static JsonObject ModelDeploymentCrd() =>
        RepositoryFiles.LoadYaml("crds", "modeldeployments.inference.llmoperator.dev.yaml");

    private static string? Condition(JsonObject crd, string type) =>
        crd["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == type)!["status"]!.ToString();
}
