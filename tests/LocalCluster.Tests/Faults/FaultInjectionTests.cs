using System.Net;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Faults;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.Faults;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Request_Should_Answer429WithRetryAfter_When_RateIsOne()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Faults.Rules = [new FaultRule(["list"], ["configmaps"]) { TooManyRequestsRate = 1, RetryAfterSeconds = 7 }];
        cluster.Faults.Enabled = true;

        var (code, body, response) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");
        var (otherVerb, _, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/secrets");

        Assert.Equal(HttpStatusCode.TooManyRequests, code);
        Assert.Equal("7", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Contains("\"reason\":\"TooManyRequests\"", body);
        Assert.Equal(HttpStatusCode.OK, otherVerb);
    }

    [Fact]
    public async Task Request_Should_Succeed_When_InjectionIsOff()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Faults.Rules = [new FaultRule([], []) { ServerErrorRate = 1 }];

        var (code, _, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default/configmaps");

        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public async Task Faults_Should_FollowTheRate_When_SeededRandomDraws()
    {
        await using var cluster = await Clusters.StartAsync(o => o with { FaultSeed = 42 });
        cluster.Faults.Rules = [new FaultRule(["create"], ["configmaps"]) { ConflictRate = 0.3, ServerErrorRate = 0.2 }];
        cluster.Faults.Enabled = true;
        var client = cluster.CreateClient();

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap($"cm-{i}"), "default");
                codes.Add(HttpStatusCode.Created);
            }
            catch (k8s.Autorest.HttpOperationException e)
            {
                codes.Add(e.Response.StatusCode);
            }
        }

        var conflicts = codes.Count(c => c == HttpStatusCode.Conflict);
        var errors = codes.Count(c => c == HttpStatusCode.InternalServerError);
        Assert.InRange(conflicts, 40, 80);
        Assert.InRange(errors, 15, 45);
        Assert.Equal(conflicts, cluster.Faults.Counts["409"]);
        Assert.Equal(200 - conflicts - errors, (await client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Count);
    }

    [Fact]
    public async Task Watch_Should_End_When_WatchesAreCut()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("cfg"), "default");
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var seen = 0;
        await foreach (var _ in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "0", cancellationToken: guard.Token))
        {
            seen++;
            cluster.Faults.CutWatches();
        }

        Assert.Equal(1, seen);
        Assert.False(guard.IsCancellationRequested, "cutting watches should end the open stream");
    }

    [Fact]
    public async Task Watch_Should_EndAfterAnEvent_When_CutRateIsOne()
    {
        await using var cluster = await Clusters.StartAsync();
        var client = cluster.CreateClient();
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("a"), "default");
        await client.CoreV1.CreateNamespacedConfigMapAsync(Clusters.ConfigMap("b"), "default");
        cluster.Faults.Rules = [new FaultRule(["watch"], ["configmaps"]) { WatchCutRate = 1 }];
        cluster.Faults.Enabled = true;

        var events = new List<string>();
        await foreach (var (_, obj) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first.Metadata.ResourceVersion))
        {
            events.Add(obj.Metadata.Name);
        }

        Assert.Equal(["b"], events);
    }

    [Fact]
    public void Rules_Should_Throw_When_RateIsOutOfRange()
    {
        var injector = new FaultInjector();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => injector.Rules = [new FaultRule([], []) { ConflictRate = 1.5 }]);

        Assert.Contains("ConflictRate", error.Message);
    }

    [Fact]
    public async Task Latency_Should_BeCounted_When_RuleAddsDelay()
    {
        await using var cluster = await Clusters.StartAsync();
        cluster.Faults.Rules = [new FaultRule(["get"], []) { Latency = TimeSpan.FromMilliseconds(20) }];
        cluster.Faults.Enabled = true;
        var client = cluster.CreateClient();

        await client.CoreV1.ReadNamespaceAsync("default");

        Assert.Equal(1, cluster.Faults.Counts["latency"]);
    }

    [Fact]
    public async Task FaultEndpoint_Should_SwitchFaultsOn_When_RulesArePut()
    {
        await using var cluster = await Clusters.StartAsync();
        var settings = """{"enabled":true,"rules":[{"verbs":["get"],"resources":["namespaces"],"serverErrorRate":1}]}""";

        var (putCode, _, _) = await Clusters.SendAsync(cluster, HttpMethod.Put, "/localcluster/faults", settings);
        var (getCode, _, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/api/v1/namespaces/default");
        var (_, described, _) = await Clusters.SendAsync(cluster, HttpMethod.Get, "/localcluster/faults");

        Assert.Equal(HttpStatusCode.OK, putCode);
        Assert.Equal(HttpStatusCode.InternalServerError, getCode);
        Assert.Contains("\"500\":1", described);
        Assert.True(cluster.Faults.Enabled);
    }

    [Fact]
    public async Task FaultEndpoint_Should_Answer400_When_RateIsInvalid()
    {
        await using var cluster = await Clusters.StartAsync();

        var (code, body, _) = await Clusters.SendAsync(cluster, HttpMethod.Put, "/localcluster/faults", """{"enabled":true,"rules":[{"conflictRate":2}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Contains("ConflictRate", body);
        Assert.False(cluster.Faults.Enabled);
    }
}
