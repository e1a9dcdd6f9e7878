using System.Text.Json.Nodes;
using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.Operator.Cli;

namespace LlmOperator.Charts.Tests.Templates;

public sealed class DeploymentTemplateTests
{
    private static readonly TemplateSkeleton Skeleton = ChartFiles.Skeleton("deployment.yaml");
    private static readonly JsonObject Pod = Skeleton.Document("Deployment")["spec"]!["template"]!["spec"]!.AsObject();
    private static readonly JsonObject Container = Pod["containers"]!.AsArray().Single()!.AsObject();

    private static IReadOnlyList<string> Args() => [.. Container["args"]!.AsArray().Select(a => (string)a!)];

    [Fact]
    public void Container_Should_RunRestricted_When_Deployed()
    {
        var security = Container["securityContext"]!;

        Assert.Equal(true, (bool?)security["runAsNonRoot"]);
        Assert.Equal(true, (bool?)security["readOnlyRootFilesystem"]);
        Assert.Equal(false, (bool?)security["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
    }

    [Fact]
    public void Pod_Should_PassTheRestrictedPodSecurityStandard_When_Deployed()
    {
        // Ports and probes hold placeholders where the template has {{ }}; the profile does not look at them.
        var pod = Pod.DeepClone().AsObject();
        foreach (var container in pod["containers"]!.AsArray()) container!.AsObject().Remove("ports");

        Assert.Empty(LlmOperator.Tests.Shared.RestrictedPodSecurity.Violations(k8s.KubernetesJson.Deserialize<k8s.Models.V1PodSpec>(pod.ToJsonString())));
    }

    [Fact]
    public void Pod_Should_RunAsNonRootWithTheDefaultSeccompProfile_When_Deployed()
    {
        var security = Pod["securityContext"]!;

        Assert.Equal(true, (bool?)security["runAsNonRoot"]);
        Assert.Equal(65532, (long?)security["runAsUser"]); // the USER of operator/Dockerfile
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
    }

    [Fact]
    public void Pod_Should_MountAnEmptyDirOnTmp_When_TheRootFileSystemIsReadOnly()
    {
        var tmp = Container["volumeMounts"]!.AsArray().Single(m => (string?)m!["mountPath"] == "/tmp")!;

        var volume = Pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)tmp["name"])!;
        Assert.NotNull(volume["emptyDir"]);
    }

    [Fact]
    public void Probes_Should_AskHealthzAndReadyzOnTheMetricsPort_When_Deployed()
    {
        var metrics = Container["ports"]!.AsArray().Single(p => (string?)p!["name"] == "metrics")!;

        Assert.Equal(".Values.metrics.port", Skeleton.ExpressionOf(metrics["containerPort"]));
        Assert.Equal(("/healthz", "metrics"), ((string?)Container["livenessProbe"]!["httpGet"]!["path"], (string?)Container["livenessProbe"]!["httpGet"]!["port"]));
        Assert.Equal(("/readyz", "metrics"), ((string?)Container["readinessProbe"]!["httpGet"]!["path"], (string?)Container["readinessProbe"]!["httpGet"]!["port"]));
    }

    [Fact]
    public void Env_Should_GivePodNamespaceFromTheFieldRef_When_Deployed()
    {
        var env = Container["env"]!.AsArray().Single(e => (string?)e!["name"] == "POD_NAMESPACE")!;

        Assert.Equal("metadata.namespace", (string?)env["valueFrom"]!["fieldRef"]!["fieldPath"]);
    }

    [Fact]
    public void Args_Should_ElectALeaderAndNameTheChartsWebhookResources_When_Deployed()
    {
        var args = Args();

        Assert.Contains("--leader-elect", args);
        Assert.Equal(["include \"llm-operator.webhookServiceName\" ."], Skeleton.ExpressionsIn(Single(args, "--webhook-service=")));
        Assert.Equal(["include \"llm-operator.fullname\" ."], Skeleton.ExpressionsIn(Single(args, "--webhook-configuration=")));
        Assert.Equal(["include \"llm-operator.webhookCertSecretName\" ."], Skeleton.ExpressionsIn(Single(args, "--webhook-cert-secret=")));
        Assert.Equal(["/etc/llm-operator/webhook-tls"], Container["volumeMounts"]!.AsArray()
            .Where(m => (string?)m!["name"] == "webhook-tls").Select(m => (string?)m!["mountPath"]));
        Assert.Equal("--webhook-cert-dir=/etc/llm-operator/webhook-tls", Single(args, "--webhook-cert-dir="));
    }

    /// <summary>Every flag the chart passes (both branches of each if) must be one `run` knows, with a value it accepts.</summary>
    [Fact]
    public void Args_Should_ParseWithTheOperatorsRunCommand_When_ValuesAreTheDefaults()
    {
        var values = ChartFiles.Values;
        var args = Args().Select(a => Sample(a, values)).ToList();

        var parse = RunCommand.Create().Parse(args);

        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)) + " in " + string.Join(' ', args));
        var options = RunCommand.OptionsFrom(parse, podNamespace: "llm-operator");
        Assert.Equal((8080, 4, 9443, "llm-operator-webhook", "llm-operator"),
            (options.MetricsPort, options.Concurrency, options.WebhookPort, options.WebhookServiceName, options.WebhookConfigurationName));
        Assert.Equal("llm-operator-leader", options.LeaseName); // the Lease templates/rbac.yaml's Role names
    }

    private static string Single(IEnumerable<string> args, string prefix) => args.Single(a => a.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// An argument with its placeholders replaced as `helm install llm-operator` with default values renders them:
    /// `.Values.x` by values.yaml, the release-based names by their value for a release named like the chart.
    /// </summary>
    private static string Sample(string argument, JsonNode values)
    {
        foreach (var expression in Skeleton.ExpressionsIn(argument))
        {
            string rendered = expression switch
            {
                "include \"llm-operator.fullname\" ." => "llm-operator",
                "include \"llm-operator.webhookServiceName\" ." => "llm-operator-webhook",
                "include \"llm-operator.webhookCertSecretName\" ." => "llm-operator-webhook-tls",
                "." => "models", // inside `with .Values.watchNamespace`
                _ when expression.StartsWith(".Values.", StringComparison.Ordinal) =>
                    expression[".Values.".Length..].Split('.').Aggregate((JsonNode?)values, (node, key) => node?[key])?.ToString()
                    ?? throw new InvalidOperationException($"{expression} has no default"),
                _ => throw new InvalidOperationException($"deployment.yaml: no sample for {{{{ {expression} }}}}"),
            };
            argument = ReplaceFirstPlaceholder(argument, rendered);
        }
        return argument;
    }

    private static string ReplaceFirstPlaceholder(string text, string value)
    {
        int start = text.IndexOf("__tpl_", StringComparison.Ordinal);
        int end = text.IndexOf("__", start + "__tpl_".Length, StringComparison.Ordinal) + 2;
        return text[..start] + value + text[end..];
    }
}
