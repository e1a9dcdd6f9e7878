using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Webhooks;

namespace LlmOperator.Operator.Tests.Cli;

/// <summary>`run`'s command line as the Helm chart's Deployment passes it.</summary>
public sealed class RunCommandTests
{
    private static System.CommandLine.ParseResult Parse(params string[] args)
    {
        var parse = RunCommand.Create().Parse(args);
        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)));
        return parse;
    }

    [Fact]
    public void OptionsFrom_Should_CertifyAndPatchTheChartsNames_When_TheReleaseNamesAreGiven()
    {
        var parse = Parse("--leader-elect", "--lease-name", "prod-llm-operator-leader", "--webhook-port", "9443", "--webhook-cert-secret",
            "prod-llm-operator-webhook-tls", "--webhook-service", "prod-llm-operator-webhook", "--webhook-configuration", "prod-llm-operator");

        var options = RunCommand.OptionsFrom(parse, podNamespace: "ops");
        var server = WebhookHostExtension.ServerOptions(options)!;

        Assert.Equal(("prod-llm-operator-leader", "ops"), (options.LeaseName, options.LeaseNamespace));

        Assert.Equal(("prod-llm-operator-webhook", "ops", "prod-llm-operator-webhook-tls"), (server.ServiceName, server.Namespace, server.CertificateSecretName));
        Assert.Equal(("prod-llm-operator", "prod-llm-operator"), (server.ValidatingConfigurationName, server.MutatingConfigurationName));
        // The API server calls https://<service>.<namespace>.svc: the generated certificate must name it.
        Assert.Contains("prod-llm-operator-webhook.ops.svc", server.HostNames);
        Assert.DoesNotContain(server.HostNames, h => h.StartsWith(WebhookNames.Service + ".", StringComparison.Ordinal));
    }

    [Fact]
    public void OptionsFrom_Should_KeepTheWebhookConfigCommandsNames_When_NoNamesAreGiven()
    {
        var server = WebhookHostExtension.ServerOptions(RunCommand.OptionsFrom(Parse("--webhook-port", "9443"), podNamespace: null))!;

        Assert.Equal((WebhookNames.Service, WebhookNames.Namespace), (server.ServiceName, server.Namespace));
        Assert.Equal((WebhookNames.Configuration, WebhookNames.Configuration), (server.ValidatingConfigurationName, server.MutatingConfigurationName));
    }

    [Fact]
    public void OptionsFrom_Should_KeepTheLeaseInThePodsNamespace_When_OneOtherNamespaceIsWatched()
    {
        var options = RunCommand.OptionsFrom(Parse("--namespace", "models", "--leader-elect"), podNamespace: "llm-operator");

        Assert.Equal(("models", "llm-operator", true), (options.Namespace, options.LeaseNamespace, options.LeaderElect));
    }

    [Fact]
    public void OptionsFrom_Should_PutTheLeaseInTheWatchedNamespace_When_RunOutsideAPod()
    {
        var options = RunCommand.OptionsFrom(Parse("-n", "models", "--concurrency", "8", "--metrics-port", "9090"), podNamespace: null);

        Assert.Equal(("models", 8, 9090, (int?)null), (options.LeaseNamespace, options.Concurrency, options.MetricsPort, options.WebhookPort));
    }

    [Fact]
    public void Create_Should_RejectTheFlag_When_ItIsMisspelt()
    {
        var parse = RunCommand.Create().Parse(["--webhook-configurations", "x"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--webhook-configurations", StringComparison.Ordinal));
    }
}
