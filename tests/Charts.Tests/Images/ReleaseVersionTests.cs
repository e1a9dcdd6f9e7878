using System.Reflection;
using LlmOperator.Operator.Reconciliation.DesiredState;
using LlmOperator.Operator.Runtime.Hosting;

namespace LlmOperator.Charts.Tests.Images;

/// <summary>
/// One release number everywhere a user meets it: the chart's appVersion (the operator image's default tag), the
/// engine image the operator deploys by default, and the version the operator's User-Agent reports to the API server.
/// </summary>
public sealed class ReleaseVersionTests
{
    [Fact]
    public void AppVersion_Should_EqualTheOperatorsVersionAndTheEngineImageTag_When_Released()
    {
        var appVersion = File.ReadAllLines(RepositoryPaths.Of("charts", "llm-operator", "Chart.yaml"))
            .Single(l => l.StartsWith("appVersion:", StringComparison.Ordinal))["appVersion:".Length..].Trim().Trim('"');
        var assembly = typeof(OperatorUserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        Assert.Equal(appVersion, assembly);
        Assert.EndsWith(":" + appVersion, EngineCommand.DefaultEngineImage, StringComparison.Ordinal);
        Assert.StartsWith($"{OperatorUserAgent.Product}/{appVersion} (", OperatorUserAgent.Value, StringComparison.Ordinal);
    }
}
