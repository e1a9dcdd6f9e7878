using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Tests.Kubelet;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.EndToEnd;

/// <summary>
/// The real kubectl driving built-in workloads on the whole local cluster: a Deployment whose pods are real
/// processes (python's http.server), rolled out, inspected, updated and deleted with cascading deletion.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class KubectlWorkloadTests(StandardClusterFixture fixture) : IClassFixture<StandardClusterFixture>
{
    /// <summary>
    /// Each pod logs its name and the PID of its process (<c>$$$$</c> is <c>$$</c> once Kubernetes has expanded
    /// the command: the shell's PID, which exec hands on to python).
    /// </summary>
    private const string WebYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 5
              containers:
              - name: http
                image: python:3.11
                command: ["/bin/sh", "-c", "echo \"serving $HOSTNAME pid $$$$\"; exec python3 -m http.server \"$PORT\" --bind 127.0.0.1"]
                env: [{name: REVISION, value: "1"}]
                ports: [{containerPort: 8080}]
                readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        """;

    [KubectlFact]
    public async Task Deployment_Should_RollOutLogUpdateAndCascadeDelete_When_DrivenByKubectl()
    {
        using var kubectl = new Kubectl(fixture.Cluster.KubeconfigPath);
        var manifest = kubectl.WriteFile("web.yaml", WebYaml);

        var created = await kubectl.SucceedAsync("apply", "-f", manifest);
        var rolledOut = await kubectl.SucceedAsync("rollout", "status", "deployment/web", "--timeout=60s");
        var pods = await kubectl.SucceedAsync("get", "pods", "-l", "app=web");
        var firstPods = PodNames(pods);
        var logs = await Task.WhenAll(firstPods.Select(pod => kubectl.SucceedAsync("logs", pod)));
        await UntilAsync(async () => Regex.IsMatch(await kubectl.SucceedAsync("get", "endpoints", "web"), @"(?m)^web\s+127\.0\.0\.1:\d+,127\.0\.0\.1:\d+\s"),
            "the Endpoints list both pods");
        var served = await GetThroughServiceAsync("web", 80);

        Assert.Equal("deployment.apps/web created\nservice/web created", created.Trim());
        Assert.EndsWith("deployment \"web\" successfully rolled out", rolledOut.Trim());
        Assert.Matches(@"(?m)^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s*$", pods);
        Assert.Equal(2, Regex.Matches(pods, @"(?m)^web-[a-z0-9]+-[a-z0-9]{5}\s+1/1\s+Running\s+0\s+\d+s\s*$").Count);
        var pids = firstPods.Zip(logs, (pod, log) => Pid(pod, log)).ToList();
        Assert.All(logs, log => Assert.Contains("Serving HTTP on 127.0.0.1 port", log));
        Assert.Contains("Directory listing", served);

        kubectl.WriteFile("web.yaml", WebYaml.Replace("value: \"1\"", "value: \"2\""));
        var configured = await kubectl.SucceedAsync("apply", "-f", manifest);
        var rolledAgain = await kubectl.SucceedAsync("rollout", "status", "deployment/web", "--timeout=60s");
        var sets = await kubectl.SucceedAsync("get", "rs", "-l", "app=web");
        var secondPods = PodNames(await kubectl.SucceedAsync("get", "pods", "-l", "app=web"));
        pids.AddRange(await Task.WhenAll(secondPods.Select(async pod => Pid(pod, await kubectl.SucceedAsync("logs", pod)))));

        Assert.Equal("deployment.apps/web configured\nservice/web unchanged", configured.Trim());
        Assert.EndsWith("deployment \"web\" successfully rolled out", rolledAgain.Trim());
        Assert.Matches(@"(?m)^web-[a-z0-9]+\s+2\s+2\s+2\s+\d+s\s*$", sets);
        Assert.Matches(@"(?m)^web-[a-z0-9]+\s+0\s+0\s+0\s+\d+s\s*$", sets);
        Assert.Empty(secondPods.Intersect(firstPods));

        var deleted = await kubectl.SucceedAsync("delete", "-f", manifest);
        Assert.Equal("deployment.apps \"web\" deleted\nservice \"web\" deleted", deleted.Trim());
        // Background propagation: the Deployment goes at once, the garbage collector then takes its ReplicaSets and their pods.
        await UntilAsync(async () => (await kubectl.RunAsync("get", "deploy,rs,pods,endpoints", "-l", "app=web")).Stderr.Trim() == "No resources found in default namespace.",
            "the Deployment, its ReplicaSets and pods are gone");
        foreach (var pid in pids) await ProcessAssert.GroupGoneAsync(pid);
    }

    [KubectlFact]
    public async Task GetPods_Should_ShowPendingWithTheSchedulersReason_When_APodAsksForMoreGpusThanANodeHas()
    {
        using var kubectl = new Kubectl(fixture.Cluster.KubeconfigPath);
        await kubectl.SucceedAsync("run", "greedy", "--image=llmoperator/stand-in", "--restart=Never",
            "--overrides", """{"spec":{"containers":[{"name":"greedy","image":"llmoperator/stand-in","resources":{"limits":{"nvidia.com/gpu":"9"}}}]}}""");

        await UntilAsync(async () => (await kubectl.SucceedAsync("describe", "pod", "greedy")).Contains("FailedScheduling"), "the scheduler reports");
        var pods = await kubectl.SucceedAsync("get", "pod", "greedy");
        var described = await kubectl.SucceedAsync("describe", "pod", "greedy");
        await kubectl.SucceedAsync("delete", "pod", "greedy", "--wait=true");

        Assert.Matches(@"(?m)^greedy\s+0/1\s+Pending\s+0\s+\d+s\s*$", pods);
        Assert.Matches(@"(?m)^\s+Warning\s+FailedScheduling\s+.*0/1 nodes are available: 1 Insufficient nvidia\.com/gpu\.", described);
    }

    private static List<string> PodNames(string table) =>
        Regex.Matches(table, @"(?m)^(web-[a-z0-9]+-[a-z0-9]{5})\s").Select(m => m.Groups[1].Value).ToList();

    /// <summary>The PID a pod logged, checked to be its own log.</summary>
    private static int Pid(string pod, string log)
    {
        var match = Regex.Match(log, @"^serving (\S+) pid (\d+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"the log of {pod} does not start as expected: {log}");
        Assert.Equal(pod, match.Groups[1].Value);
        return int.Parse(match.Groups[2].Value);
    }

    private async Task<string> GetThroughServiceAsync(string service, int port)
    {
        var address = fixture.Proxy.Resolve("default", service, port) ?? throw new InvalidOperationException($"service {service}:{port} has no proxy port");
        using var http = new HttpClient();
        return await http.GetStringAsync(address);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(200);
        }
    }
}
