using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Api.Auditing;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Runtime;
using LlmOperator.Operator.Runtime.Hosting;
using LlmOperator.Operator.Tests.Integration;
using LlmOperator.Operator.Webhooks;
using LlmOperator.Operator.Webhooks.Certificates;
using Xunit.Abstractions;
using C = LlmOperator.Operator.Entities.ConditionTypes;

namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>
/// The chart's RBAC against what the operator really calls: the `run` host (leader election, webhooks with the
/// certificate kept in a Secret) on the local control plane, through a ModelDeployment's life, every request of its
/// client recorded by the API server with the attributes RBAC decides on.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class RbacCoverageIntegrationTest(ITestOutputHelper output)
{
    private const string Ns = LocalOperatorCluster.Ns;

    [Fact]
    public async Task ChartRbac_Should_AllowEveryOperatorRequestAndGrantNothingUnused_When_AModelDeploymentLivesItsLife()
    {
        var audit = new RequestLog();
        await using var env = await LocalOperatorCluster.StartAsync(audit: audit);
        await PrepareReleaseNamespaceAsync(env.Client);
        var leader = await env.StartOperatorAsync(OperatorOptions(WebhookPort), extensions: [new WebhookHostExtension()]); // creates the certificate Secret

        await RunLifeAsync(env, audit);
        await StartReplicaOnABrokenSecretAsync(env);
        await env.StopOperatorAsync(leader); // gives the Lease up: its last update

        output.WriteLine("User-Agents: " + string.Join(" | ", audit.Snapshot().Select(r => r.UserAgent).Distinct()));
        var requests = audit.Snapshot(OperatorClient);
        foreach (var line in requests.GroupBy(r => r.ToString()).Select(g => $"{g.Count(),4} {g.Key}").Order()) output.WriteLine(line);
        var policy = ChartRbac.Load();
        Assert.True(requests.Count > 0, $"no request of the operator was recorded: does its User-Agent still start with {OperatorClient}?");
        var problems = ChartRbac.Refused(policy, requests).Concat(ChartRbac.Unused(policy, requests)).ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private const string OperatorClient = OperatorUserAgent.Product + "/";

    /// <summary>
    /// Created (its model config in a ConfigMap, its engine API key in a Secret) and Ready; its Service edited by hand (the operator puts it back); a change whose engine refuses its
    /// arguments (the failure's log read); a change whose engine asserts (rolled back); a manual rollback to a revision
    /// that does not exist (refused, the annotation removed); the spec fixed with a history of one (revisions pruned);
    /// deleted.
    /// </summary>
    private static async Task RunLifeAsync(LocalOperatorCluster env, RequestLog audit)
    {
        await env.Client.CoreV1.CreateNamespacedConfigMapAsync(ModelConfig(), Ns); // the ConfigMap webhook lists ModelDeployments
        var md = LocalOperatorCluster.Tiny("tiny");
        md.Spec.Model.Config = new ModelConfigSource { ConfigMapKeyRef = new ConfigMapKeyReference { Name = "tiny-config" } };
        await env.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "tiny-api-key", NamespaceProperty = Ns },
            Data = new Dictionary<string, byte[]> { ["api-key"] = "rbac-scenario-key"u8.ToArray() },
        }, Ns);
        md.Spec.Engine.ApiKeySecretRef = new SecretKeyReference { Name = "tiny-api-key" }; // the probe reads it
        await env.CreateAsync(md); // validated (ConfigMap read) and defaulted by the webhooks
        await env.WaitForConditionAsync("tiny", C.Ready);

        await env.Client.CoreV1.PatchNamespacedServiceAsync(Merge("metadata", "labels", EngineLabels.ManagedBy, "someone-else"), "tiny", Ns);
        await WhileOperatorRequestsAsync(env, audit, r => r is { Verb: "get", Resource: "pods", Subresource: "log" },
            () => env.PatchSpecAsync("tiny", """{"engine":{"extraArgs":["--chaos-failure","no-such-kind"]}}"""));
        await env.PatchSpecAsync("tiny", """{"engine":{"extraArgs":["--chaos-failure","device-assert"]}}""");
        await env.WaitForConditionAsync("tiny", C.RolledBack);

        await env.Client.CustomObjects.PatchNamespacedCustomObjectAsync<V1Alpha1ModelDeployment>(
            Merge("metadata", "annotations", EngineLabels.RollbackTo, "no-such-revision"),
            V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, Ns, V1Alpha1ModelDeployment.Plural, "tiny");
        await env.UntilAsync(async () => (await env.GetAsync("tiny")).Metadata.Annotations?.ContainsKey(EngineLabels.RollbackTo) != true);

        await env.PatchSpecAsync("tiny", """{"engine":{"extraArgs":null},"rollout":{"revisionHistoryLimit":1}}""");
        await env.WaitForConditionAsync("tiny", C.Ready);

        // The watch's DELETED event makes a worker read the resource (404), which ends its reconciling: wait for that read.
        await WhileOperatorRequestsAsync(env, audit, r => r is { Verb: "get", Resource: "modeldeployments", Name: "tiny" },
            () => env.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, Ns,
                V1Alpha1ModelDeployment.Plural, "tiny"));
    }

    /// <summary>A second replica, started after someone emptied the certificate Secret: it writes a new certificate into it.</summary>
    private static async Task StartReplicaOnABrokenSecretAsync(LocalOperatorCluster env)
    {
        await env.Client.CoreV1.PatchNamespacedSecretAsync(Merge("data", ServingCertificate.CertificateFile, null), ChartRbac.CertificateSecret, ChartRbac.ReleaseNamespace);
        // Its own webhook port: both replicas listen on loopback. It stands by, the first one holding the Lease.
        var standby = await env.StartOperatorAsync(OperatorOptions(FreePort()), extensions: [new WebhookHostExtension()]);
        await env.StopOperatorAsync(standby);
    }

    /// <summary>Does <paramref name="action"/>, then waits until the operator has made a request matching <paramref name="match"/>.</summary>
    private static async Task WhileOperatorRequestsAsync(LocalOperatorCluster env, RequestLog audit, Func<RequestAttributes, bool> match, Func<Task> action)
    {
        int before = audit.Snapshot().Count;
        await action();
        await env.UntilAsync(() => Task.FromResult(audit.Snapshot().Skip(before)
            .Any(r => r.UserAgent.StartsWith(OperatorClient, StringComparison.Ordinal) && match(r))));
    }

    /// <summary>A JSON merge patch setting one nested field (null removes it).</summary>
    private static V1Patch Merge(string outer, string inner, string? value) =>
        new(new JsonObject { [outer] = new JsonObject { [inner] = value } }.ToJsonString(), V1Patch.PatchType.MergePatch);

    private static V1Patch Merge(string outer, string middle, string inner, string value) =>
        new(new JsonObject { [outer] = new JsonObject { [middle] = new JsonObject { [inner] = value } } }.ToJsonString(), V1Patch.PatchType.MergePatch);

    /// <summary>
    /// The operator's namespace and its webhook configurations (their caBundle still empty), pointing at the port it will
    /// listen on.
    /// </summary>
    private static async Task PrepareReleaseNamespaceAsync(k8s.Kubernetes client)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ChartRbac.ReleaseNamespace } });
        var yaml = new StringWriter();
        Assert.Equal(0, WebhookConfigCommand.Run(WebhookNames.Service, ChartRbac.ReleaseNamespace, 443, $"https://127.0.0.1:{WebhookPort}", null, yaml, TextWriter.Null));
        foreach (var configuration in KubernetesYaml.LoadAllFromString(yaml.ToString()))
        {
            if (configuration is V1ValidatingWebhookConfiguration validating) await client.AdmissionregistrationV1.CreateValidatingWebhookConfigurationAsync(validating);
            else if (configuration is V1MutatingWebhookConfiguration mutating) await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(mutating);
        }
    }

    private static OperatorOptions OperatorOptions(int webhookPort) => new()
    {
        MetricsPort = 0,
        Concurrency = 2,
        LeaderElect = true,
        LeaseNamespace = ChartRbac.ReleaseNamespace,
        RetryPeriod = TimeSpan.FromMilliseconds(500), // renewals (Lease updates) within the scenario
        WebhookPort = webhookPort,
        WebhookAddress = IPAddress.Loopback,
        WebhookNamespace = ChartRbac.ReleaseNamespace,
        WebhookCertificateSecret = ChartRbac.CertificateSecret,
    };

    /// <summary>A free loopback port, chosen before the webhook configurations that name it are written.</summary>
    private static int WebhookPort { get; } = FreePort();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The tiny model's config.json in a ConfigMap the ConfigMap webhook checks (it carries the model-config label).</summary>
    private static V1ConfigMap ModelConfig() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "tiny-config", NamespaceProperty = Ns, Labels = new Dictionary<string, string> { [WebhookNames.ModelConfigLabel] = "true" },
        },
        Data = new Dictionary<string, string>
        {
            ["config.json"] = File.ReadAllText(RepositoryPaths.Of("engine", "Rules", "Catalog", "llmoperator--tiny-llama4.json")),
        },
    };
}
