using System.Net;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Api;

public sealed class ListTests
{
    [Theory]
    [InlineData("tier=web", "a,b")]
    [InlineData("tier==web", "a,b")]
    [InlineData("tier!=web", "c,d")]
    [InlineData("tier in (db,cache)", "c")]
    [InlineData("tier notin (web)", "c,d")]
    [InlineData("tier", "a,b,c")]
    [InlineData("!tier", "d")]
    [InlineData("tier=web,env=prod", "a")]
    public async Task List_Should_FilterByLabels_When_LabelSelectorIsGiven(string selector, string expected)
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await CreateLabelledAsync(client);

        var list = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector);

        Assert.Equal(expected, string.Join(",", list.Items.Select(i => i.Metadata.Name)));
    }

    [Fact]
    public async Task List_Should_Answer400_When_LabelSelectorIsMalformed()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier in web"));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("tier in web", status.Message);
    }

    [Fact]
    public async Task List_Should_FilterEventsByInvolvedObject_When_FieldSelectorTermsComeInAnyOrder()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedEventAsync(Event("e1", "web", "Deployment"), "default");
        await client.CoreV1.CreateNamespacedEventAsync(Event("e2", "web", "Service"), "default");
        await client.CoreV1.CreateNamespacedEventAsync(Event("e3", "db", "Deployment"), "default");

        var list = await client.CoreV1.ListNamespacedEventAsync("default",
            fieldSelector: "involvedObject.kind=Deployment,involvedObject.namespace=default,involvedObject.name=web");

        Assert.Equal("e1", Assert.Single(list.Items).Metadata.Name);
    }

    [Fact]
    public async Task List_Should_FilterPodsByNodeAndPhase_When_FieldSelectorIsGiven()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        foreach (var (name, node) in new[] { ("p1", "node-1"), ("p2", "node-2"), ("p3", (string?)null) })
        {
            var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "c", Image = "i" }] } };
            await client.CoreV1.CreateNamespacedPodAsync(pod, "default");
        }

        var onNode = await client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "spec.nodeName=node-1,status.phase=Pending");
        var unscheduled = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.nodeName=");
        var notP1 = await client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "metadata.name!=p1");

        Assert.Equal("p1", Assert.Single(onNode.Items).Metadata.Name);
        Assert.Equal("p3", Assert.Single(unscheduled.Items).Metadata.Name);
        Assert.Equal(["p2", "p3"], notP1.Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task List_Should_Answer400_When_FieldIsNotSupported()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "data.key=x"));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("field label not supported: data.key", status.Message);
    }

    [Fact]
    public async Task List_Should_PageConsistently_When_LimitAndContinueAreGiven()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        for (var i = 0; i < 5; i++) await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap($"cm-{i}"), "default");

        var first = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cm-9-late"), "default");
        var second = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty);
        var third = await client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: second.Metadata.ContinueProperty);

        Assert.Equal(["cm-0", "cm-1"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(3, first.Metadata.RemainingItemCount);
        Assert.Equal(["cm-2", "cm-3"], second.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["cm-4"], third.Items.Select(i => i.Metadata.Name));
        Assert.Null(third.Metadata.ContinueProperty);
        Assert.Equal(first.Metadata.ResourceVersion, third.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task List_Should_Answer400_When_ContinueTokenWasNotIssued()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();

        var (code, status) = await Clusters.FailureOf(() => client.CoreV1.ListNamespacedConfigMapAsync("default", continueParameter: "bogus"));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("continue key is not valid", status.Message);
    }

    private static async Task CreateLabelledAsync(Kubernetes client)
    {
        var labels = new Dictionary<string, Dictionary<string, string>>
        {
            ["a"] = new() { ["tier"] = "web", ["env"] = "prod" },
            ["b"] = new() { ["tier"] = "web" },
            ["c"] = new() { ["tier"] = "db" },
            ["d"] = new() { ["env"] = "prod" },
        };
        foreach (var (name, set) in labels) await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap(name, labels: set), "default");
    }

    private static Corev1Event Event(string name, string objectName, string kind) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        InvolvedObject = new V1ObjectReference { Kind = kind, Name = objectName, NamespaceProperty = "default", Uid = "u-" + objectName },
        Reason = "Tested",
        Message = "an event",
        Type = "Normal",
    };
}
