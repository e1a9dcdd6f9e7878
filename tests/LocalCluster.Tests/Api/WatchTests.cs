using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Api;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class WatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Watch_Should_ReplayLaterChanges_When_ResumedFromResourceVersion()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("one"), "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("two"), "default");
        await client.CoreV1.DeleteNamespacedConfigMapAsync("one", "default");

        var events = await CollectAsync(client, first.Metadata.ResourceVersion, count: 2);

        Assert.Equal(["Added two", "Deleted one"], events.Select(e => $"{e.Type} {e.Object?.Metadata.Name}"));
    }

    [Fact]
    public async Task Watch_Should_StartWithSyntheticAdded_When_ResourceVersionIsZero()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("existing"), "default");

        using var stop = new CancellationTokenSource(Patience);
        var seen = new List<string>();
        var watch = client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "0",
            fieldSelector: "metadata.name=existing", cancellationToken: stop.Token);
        await foreach (var (type, obj) in watch)
        {
            seen.Add($"{type} {obj.Data["key"]}");
            if (seen.Count == 2) break;

            // Changed only once the watch is known to be open: the change must arrive as a live event.
            obj.Data["key"] = "changed";
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(obj, "existing", "default");
        }

        Assert.Equal(["Added value", "Modified changed"], seen);
    }

    [Fact]
    public async Task Watch_Should_ReportExpired_When_ResourceVersionIsOlderThanHistory()
    {
        await using var cluster = await Clusters.StartAsync(o => o with { WatchHistory = 2 });
        var client = cluster.CreateClient();
        for (var i = 0; i < 5; i++) await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap($"c{i}"), "default");

        var errors = new List<Exception>();
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "2", onError: errors.Add))
        {
            Assert.Fail("a watch from an expired version must not deliver events");
        }

        var expired = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
    }

    [Fact]
    public async Task Watch_Should_SendBookmarks_When_Allowed()
    {
        await using var cluster = await Clusters.StartAsync(o => o with { ApiServer = new ApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(50) } });
        var client = cluster.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("marked"), "default");

        var events = await CollectAsync(client, created.Metadata.ResourceVersion, count: 1, bookmarks: true);

        var bookmark = Assert.Single(events);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(created.Metadata.ResourceVersion, bookmark.Object?.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_Should_SendDeleted_When_ObjectLeavesLabelSelection()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var created = await client.CoreV1.CreateNamespacedConfigMapAsync(
            Clusters.ConfigMap("tagged", labels: new Dictionary<string, string> { ["team"] = "a" }), "default");

        var events = CollectAsync(client, created.Metadata.ResourceVersion, count: 2, labelSelector: "team=a");
        created.Data["key"] = "still-a";
        created = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "tagged", "default");
        created.Metadata.Labels["team"] = "b";
        var moved = await client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "tagged", "default");

        var seen = await events;
        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], seen.Select(e => e.Type));
        Assert.Equal(moved.Metadata.ResourceVersion, seen[1].Object?.Metadata.ResourceVersion);
        Assert.Equal("a", seen[1].Object?.Metadata.Labels["team"]);
    }

    [Fact]
    public async Task Watch_Should_EndStream_When_TimeoutSecondsPass()
    {
        await using var cluster = await Clusters.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Address, Timeout = Patience };
        var path = $"/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1&resourceVersion={cluster.Store.CurrentResourceVersion}";

        // Raw HTTP: KubernetesClient treats a watch that ends without any event as an error.
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Watch_Should_SendHeadersAtOnce_When_NoEventIsPending()
    {
        await using var cluster = await Clusters.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Address };
        var path = $"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={cluster.Store.CurrentResourceVersion}";

        // Without an event to send, only an explicit flush gets the 200 to the client (kubectl wait blocks on it).
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Watch_Should_StreamTables_When_AcceptAsksForTable()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("shown"), "default");
        using var http = new HttpClient { BaseAddress = cluster.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0");
        request.Headers.TryAddWithoutValidation("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await reader.ReadLineAsync().WaitAsync(Patience);

        var added = JsonNode.Parse(line!)!;
        Assert.Equal("ADDED", (string?)added["type"]);
        Assert.Equal("Table", (string?)added["object"]?["kind"]);
        Assert.Equal("shown", (string?)added["object"]?["rows"]?[0]?["object"]?["metadata"]?["name"]);
    }

    /// <summary>Watches configmaps in default and returns the first <paramref name="count"/> events.</summary>
    private static async Task<List<(WatchEventType Type, V1ConfigMap? Object)>> CollectAsync(
        Kubernetes client, string resourceVersion, int count, string? labelSelector = null, string? fieldSelector = null, bool bookmarks = false)
    {
        using var stop = new CancellationTokenSource(Patience);
        var seen = new List<(WatchEventType, V1ConfigMap?)>();
        var watch = client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: resourceVersion,
            labelSelector: labelSelector, fieldSelector: fieldSelector, allowWatchBookmarks: bookmarks, cancellationToken: stop.Token);
        await foreach (var (type, obj) in watch)
        {
            seen.Add((type, obj));
            if (seen.Count == count) break;
        }

        return seen;
    }
}
