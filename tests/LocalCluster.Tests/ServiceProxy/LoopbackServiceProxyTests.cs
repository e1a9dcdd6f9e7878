using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s.Models;
using LlmOperator.LocalCluster.Kubelet;
using LlmOperator.LocalCluster.ServiceProxy;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Kubelet;

namespace LlmOperator.LocalCluster.Tests.ServiceProxy;

public sealed class LoopbackServiceProxyTests
{
    [Fact]
    public async Task Proxy_Should_BalanceOverReadyPodsOnly_When_EndpointsAlsoListAnUnreadyPod()
    {
        await using var cluster = await KubeletHarness.StartAsync();
        await using var proxy = new LoopbackServiceProxy(cluster.Store);
        await proxy.StartAsync(CancellationToken.None);
        foreach (var (name, readyPath) in new[] { ("web-a", "/"), ("web-b", "/"), ("web-c", "/missing") })
        {
            // Each pod serves its own name at /who; web-c's readiness path does not exist, so it never becomes Ready.
            var pod = KubeletHarness.ShellPod(name, "echo \"$HOSTNAME\" > who; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1");
            pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 8080 }];
            pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = readyPath, Port = 8080 }, PeriodSeconds = 1 };
            cluster.Create(pod);
        }

        var a = await cluster.WaitAsync("web-a", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        var b = await cluster.WaitAsync("web-b", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        var c = await cluster.WaitAsync("web-c", p => KubeletHarness.Container(p).State?.Running is not null, "running");
        cluster.Store.Create(BuiltInTypes.Services, Service("web", 80));
        // As a lagging Endpoints controller might: web-c still listed as ready.
        cluster.Store.Create(BuiltInTypes.Endpoints, Endpoints("web", [a, b, c], notReady: []));

        var url = await ResolveAsync(proxy, "web", 80);
        var answers = new List<string>();
        for (var i = 0; i < 6; i++) answers.Add((await GetAsync(new Uri(url, "/who"))).Trim());

        Assert.Equal(3, answers.Count(x => x == "web-a"));
        Assert.Equal(3, answers.Count(x => x == "web-b"));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second)); // round robin
    }

    [Fact]
    public async Task Proxy_Should_RouteToGatedPodOnlyOnceItsGateIsTrue_When_PodHasReadinessGate()
    {
        const string gate = "inference.llmoperator.dev/proven";
        await using var cluster = await KubeletHarness.StartAsync();
        await using var proxy = new LoopbackServiceProxy(cluster.Store);
        await proxy.StartAsync(CancellationToken.None);
        foreach (var name in new[] { "web-a", "web-g" })
        {
            var pod = KubeletHarness.ShellPod(name, "echo \"$HOSTNAME\" > who; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1");
            pod.Spec.Containers[0].Ports = [new V1ContainerPort { ContainerPort = 8080 }];
            pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/", Port = 8080 }, PeriodSeconds = 1 };
            if (name == "web-g") pod.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = gate }];
            cluster.Create(pod);
        }

        var a = await cluster.WaitAsync("web-a", p => KubeletHarness.Condition(p, "Ready"), "Ready");
        var g = await cluster.WaitAsync("web-g", p => KubeletHarness.Condition(p, "ContainersReady"), "ContainersReady");
        cluster.Store.Create(BuiltInTypes.Services, Service("web", 80));
        cluster.Store.Create(BuiltInTypes.Endpoints, Endpoints("web", [a, g], notReady: [])); // a lagging Endpoints controller
        var url = await ResolveAsync(proxy, "web", 80);
        for (var i = 0; i < 4; i++) Assert.Equal("web-a", (await GetAsync(new Uri(url, "/who"))).Trim());

        StoreMutation.Mutate(cluster.Store, BuiltInTypes.Pods, "default", "web-g", ObjectStore.UpdateScope.Status,
            pod => LlmOperator.LocalCluster.Scheduling.PodConditions.Set(StoreMutation.Child(pod, "status"), gate, true, "Proven", null, DateTime.UtcNow));
        await cluster.WaitAsync("web-g", p => KubeletHarness.Condition(p, "Ready"), "Ready");

        await WaitUntilAsync(async () => (await GetAsync(new Uri(url, "/who"))).Trim() == "web-g");
    }

    [Fact]
    public async Task Proxy_Should_PublishPortAndSkipNotReadyAddresses_When_ServiceIsCreated()
    {
        var store = new ObjectStore();
        await using var proxy = new LoopbackServiceProxy(store);
        await proxy.StartAsync(CancellationToken.None);
        using var ready = new EchoServer("ready");
        using var notReady = new EchoServer("not-ready");
        store.Create(BuiltInTypes.Services, Service("echo", 9000));
        store.Create(BuiltInTypes.Endpoints, ManualEndpoints("echo", ready: [ready.Port], notReady: [notReady.Port]));

        var url = await ResolveAsync(proxy, "echo", 9000);
        var service = store.Get<V1Service>(BuiltInTypes.Services, "default", "echo")!;

        Assert.Equal(url.Port.ToString(), service.Metadata.Annotations["localcluster.llmoperator.dev/proxy-port-9000"]);
        Assert.Equal("127.0.0.1", service.Spec.ClusterIP);
        for (var i = 0; i < 4; i++) Assert.Equal("ready:hello", await EchoAsync(url.Port, "hello"));
        Assert.Null(proxy.Resolve("default", "echo", 9001));
    }

    [Fact]
    public async Task Proxy_Should_KeepOpenConnectionsAndCloseNewOnes_When_EndpointsLoseTheirLastAddress()
    {
        var store = new ObjectStore();
        await using var proxy = new LoopbackServiceProxy(store);
        await proxy.StartAsync(CancellationToken.None);
        using var backend = new EchoServer("old");
        store.Create(BuiltInTypes.Services, Service("echo", 9000));
        var endpoints = store.Create(BuiltInTypes.Endpoints, ManualEndpoints("echo", ready: [backend.Port], notReady: []));
        var url = await ResolveAsync(proxy, "echo", 9000);
        // The port exists from the Service's event; its backend from the Endpoints' event, which may come later.
        await WaitUntilAsync(async () => await TryEchoAsync(url.Port) is not null);
        using var open = new TcpClient();
        await open.ConnectAsync(IPAddress.Loopback, url.Port);
        Assert.Equal("old:one", await ExchangeAsync(open.GetStream(), "one"));

        endpoints.Subsets = [];
        store.Update(BuiltInTypes.Endpoints, endpoints);
        await WaitUntilAsync(async () => await TryEchoAsync(url.Port) is null);

        Assert.Equal("old:two", await ExchangeAsync(open.GetStream(), "two")); // the established connection was not broken
    }

    [Fact]
    public async Task Listener_Should_SkipABackendItsCheckRefuses_When_TheBackendListHasNotCaughtUpYet()
    {
        using var leaving = new EchoServer("leaving");
        using var staying = new EchoServer("staying");
        await using var listener = new ServicePortListener(0)
        {
            // The list still names "leaving" (as before the watch event of its deletion arrives); the check knows better.
            Backends = [new Backend("127.0.0.1", leaving.Port, "default", "leaving"), new Backend("127.0.0.1", staying.Port, "default", "staying")],
            Admits = backend => backend.PodName != "leaving",
        };

        var answers = new List<string>();
        for (var i = 0; i < 4; i++) answers.Add(await EchoAsync(listener.Port, "hi"));

        Assert.All(answers, answer => Assert.Equal("staying:hi", answer));
    }

    private static async Task<Uri> ResolveAsync(LoopbackServiceProxy proxy, string service, int port)
    {
        Uri? url = null;
        await WaitUntilAsync(() => Task.FromResult((url = proxy.Resolve("default", service, port)) is not null));
        return url!;
    }

    private static async Task<string> GetAsync(Uri url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.ConnectionClose = true; // a new connection per request: the proxy balances connections
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<string> EchoAsync(int port, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return await ExchangeAsync(client.GetStream(), text);
    }

    /// <summary>The echo through a new connection, or null when the proxy closed it (no endpoint).</summary>
    private static async Task<string?> TryEchoAsync(int port)
    {
        try
        {
            return await EchoAsync(port, "probe");
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null;
        }
    }

    private static async Task<string> ExchangeAsync(NetworkStream stream, string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"));
        var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(timeout.Token) ?? throw new IOException("connection closed");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    private static V1Service Service(string name, int port) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = port, TargetPort = 8080 }] },
    };

    /// <summary>Endpoints as the Endpoints controller writes them here: one subset per pod with its host port.</summary>
    private static V1Endpoints Endpoints(string name, IEnumerable<V1Pod> ready, IEnumerable<V1Pod> notReady) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Subsets = ready.Select(p => Subset(p, ready: true)).Concat(notReady.Select(p => Subset(p, ready: false))).ToList(),
    };

    private static V1EndpointSubset Subset(V1Pod pod, bool ready)
    {
        var address = new V1EndpointAddress { Ip = "127.0.0.1", TargetRef = new V1ObjectReference { Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = "default" } };
        var port = int.Parse(pod.Metadata.Annotations["localcluster.llmoperator.dev/port-8080"]);
        return new V1EndpointSubset
        {
            Addresses = ready ? [address] : null,
            NotReadyAddresses = ready ? null : [address],
            Ports = [new Corev1EndpointPort { Port = port }],
        };
    }

    private static V1Endpoints ManualEndpoints(string name, int[] ready, int[] notReady) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Subsets = ready.Select(p => new V1EndpointSubset { Addresses = [new V1EndpointAddress { Ip = "127.0.0.1" }], Ports = [new Corev1EndpointPort { Port = p }] })
            .Concat(notReady.Select(p => new V1EndpointSubset { NotReadyAddresses = [new V1EndpointAddress { Ip = "127.0.0.1" }], Ports = [new Corev1EndpointPort { Port = p }] }))
            .ToList(),
    };
}
