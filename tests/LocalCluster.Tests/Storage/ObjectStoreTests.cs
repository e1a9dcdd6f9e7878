using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Storage;

public sealed class ObjectStoreTests
{
    private static readonly ResourceType Deployments = BuiltInTypes.Deployments;

    [Fact]
    public void Update_Should_WriteNothing_When_ObjectIsUnchanged()
    {
        var store = new ObjectStore();
        var created = store.Create(Deployments, Deployment("web", replicas: 1));
        var before = store.CurrentResourceVersion;

        var same = store.Update(Deployments, (JsonObject)created.DeepClone());

        Assert.Equal(before, store.CurrentResourceVersion);
        Assert.Equal((string?)created["metadata"]!["resourceVersion"], (string?)same["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public void Update_Should_BumpGenerationOnce_When_SpecChanges()
    {
        var store = new ObjectStore();
        var created = store.Create(Deployments, Deployment("web", replicas: 1));
        created["spec"]!["replicas"] = 2;

        var updated = store.Update(Deployments, created);
        updated["metadata"]!["labels"] = new JsonObject { ["a"] = "b" };
        var relabelled = store.Update(Deployments, updated);

        Assert.Equal(2L, (long?)updated["metadata"]!["generation"]);
        Assert.Equal(2L, (long?)relabelled["metadata"]!["generation"]);
    }

    [Fact]
    public void Update_Should_WriteSpecAndStatusInOneVersion_When_ScopeIsMainAndStatus()
    {
        var store = new ObjectStore();
        var created = store.Create(Deployments, Deployment("web", replicas: 1));
        created["spec"]!["replicas"] = 2;
        created["status"] = new JsonObject { ["replicas"] = 2 };
        using var watch = store.Watch(Deployments, null, store.CurrentResourceVersion);

        var main = store.Update(Deployments, (JsonObject)created.DeepClone());
        created["spec"]!["replicas"] = 3;
        created["metadata"]!["resourceVersion"] = main["metadata"]!["resourceVersion"]!.DeepClone();
        var both = store.Update(Deployments, created, ObjectStore.UpdateScope.MainAndStatus);

        Assert.Null(main["status"]); // the main scope leaves status alone
        Assert.Equal(3, (int?)both["spec"]!["replicas"]);
        Assert.Equal(2, (int?)both["status"]!["replicas"]);
        Assert.True(watch.Events.TryRead(out _));
        Assert.True(watch.Events.TryRead(out var last));
        Assert.Equal(2, (int?)last.Object["status"]!["replicas"]);
        Assert.False(watch.Events.TryRead(out _));
    }

    [Fact]
    public void DryRun_Should_StoreNothing_When_CreatingUpdatingOrDeleting()
    {
        var store = new ObjectStore();
        var created = store.Create(Deployments, Deployment("web", replicas: 1));
        var version = store.CurrentResourceVersion;

        store.Create(Deployments, Deployment("draft", replicas: 1), dryRun: true);
        created["spec"]!["replicas"] = 5;
        var wouldBe = store.Update(Deployments, created, dryRun: true);
        store.Delete(Deployments, "default", "web", dryRun: true);

        Assert.Equal(version, store.CurrentResourceVersion);
        Assert.Null(store.Get(Deployments, "default", "draft"));
        Assert.Equal(5, (int?)wouldBe["spec"]!["replicas"]);
        Assert.Equal(1, (int?)store.Get(Deployments, "default", "web")!["spec"]!["replicas"]);
    }

    [Fact]
    public void Delete_Should_WaitForFinalizers_When_ObjectHasThem()
    {
        var store = new ObjectStore();
        var obj = Deployment("web", replicas: 1);
        obj["metadata"]!["finalizers"] = new JsonArray("example.io/keep");
        store.Create(Deployments, obj);

        var marked = store.Delete(Deployments, "default", "web");
        marked["metadata"]!["finalizers"] = new JsonArray();
        store.Update(Deployments, marked);

        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Null(store.Get(Deployments, "default", "web"));
    }

    [Fact]
    public async Task Watch_Should_DeliverPreviousObject_When_ObjectIsModified()
    {
        var store = new ObjectStore();
        var created = store.Create(Deployments, Deployment("web", replicas: 1));
        using var watch = store.Watch(Deployments, "default", store.CurrentResourceVersion);
        created["spec"]!["replicas"] = 3;
        store.Update(Deployments, created);

        var change = await watch.Events.ReadAsync();

        Assert.Equal(WatchEventType.Modified, change.Type);
        Assert.Equal(1, (int?)change.Previous!["spec"]!["replicas"]);
        Assert.Equal(3, (int?)change.Object["spec"]!["replicas"]);
    }

    [Fact]
    public void Watch_Should_Throw410_When_VersionIsOlderThanHistory()
    {
        var store = new ObjectStore { HistoryCapacity = 2 };
        for (var i = 0; i < 5; i++) store.Create(Deployments, Deployment($"d{i}", replicas: 1));

        var error = Assert.Throws<ApiError>(() => store.Watch(Deployments, null, 1));

        Assert.Equal(410, error.Code);
        Assert.Equal("Expired", error.Reason);
    }

    [Fact]
    public void Create_Should_Answer422_When_NameIsMissing()
    {
        var store = new ObjectStore();
        var obj = Deployment("x", replicas: 1);
        ((JsonObject)obj["metadata"]!).Remove("name");

        var error = Assert.Throws<ApiError>(() => store.Create(Deployments, obj));

        Assert.Equal(422, error.Code);
    }

    [Fact]
    public void List_Should_ReturnPrivateCopies_When_CallerChangesThem()
    {
        var store = new ObjectStore();
        store.Create(Deployments, Deployment("web", replicas: 1));

        var listed = store.List(Deployments, "default").Items.Single();
        listed["spec"]!["replicas"] = 5;
        var got = store.Get(Deployments, "default", "web")!;
        got["spec"]!["replicas"] = 7;

        Assert.Equal(1, (int?)store.Get(Deployments, "default", "web")!["spec"]!["replicas"]);
        Assert.Equal(1, (int?)store.List(Deployments, "default").Items.Single()["spec"]!["replicas"]);
    }

    [Fact]
    public void List_Should_ReturnOnlyPickedObjects_When_FilterIsGiven()
    {
        var store = new ObjectStore();
        store.Create(Deployments, Deployment("web", replicas: 1));
        store.Create(Deployments, Deployment("db", replicas: 2));
        store.Create(Deployments, Deployment("cache", replicas: 2));

        var (items, rv) = store.List(Deployments, "default", d => (int?)d["spec"]?["replicas"] == 2);

        Assert.Equal(["cache", "db"], items.Select(d => (string?)d["metadata"]!["name"]));
        Assert.Equal(store.CurrentResourceVersion, rv);
    }

    private static JsonObject Deployment(string name, int replicas) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["spec"] = new JsonObject { ["replicas"] = replicas },
    };
}
