using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests.Values;

public sealed class ValuesSchemaTests
{
    private static IReadOnlyList<string> ErrorsWith(string overrides) =>
        ValuesSchema.Errors(ValuesSchema.Merge(ChartFiles.Values, YamlJson.Single(overrides, "overrides")));

    [Fact]
    public void Schema_Should_AcceptTheDefaults_When_ValuesYamlIsUnchanged() =>
        Assert.Empty(ValuesSchema.Errors(ChartFiles.Values));

    [Theory]
    [InlineData("replicaCount: -1", "/replicaCount")]
    [InlineData("replicaCount: \"2\"", "/replicaCount")]
    [InlineData("webhook: {failurePolicy: Sometimes}", "/webhook/failurePolicy")]
    [InlineData("webhook: {failurPolicy: Ignore}", "/webhook/failurPolicy")]
    [InlineData("webhook: {timeoutSeconds: 31}", "/webhook/timeoutSeconds")]
    [InlineData("webhook: {certManager: {issuerRef: {kind: ClusterIssuer}}}", "/webhook/certManager/issuerRef")]
    [InlineData("metrics: {port: 80}", "/metrics/port")]
    [InlineData("image: {pullPolicy: Sometimes}", "/image/pullPolicy")]
    [InlineData("logLevel: Verbose", "/logLevel")]
    [InlineData("concurrency: 0", "/concurrency")]
    [InlineData("watchNamespace: Models", "/watchNamespace")]
    [InlineData("resources: {limits: {memory: lots}}", "/resources/limits/memory")]
    [InlineData("serviceMonitor: {interval: 30}", "/serviceMonitor/interval")]
    [InlineData("podDisruptionBudget: {minAvailable: half}", "/podDisruptionBudget/minAvailable")]
    [InlineData("prometheusRule: {notReadyMinutes: 0}", "/prometheusRule/notReadyMinutes")]
    [InlineData("leaderElection: {enabled: null}", "/leaderElection")]
    [InlineData("replicas: 3", "/replicas")]
    public void Schema_Should_RejectNamingThePath_When_AValueIsWrong(string overrides, string path)
    {
        var errors = ErrorsWith(overrides);

        Assert.Contains(errors, e => e.StartsWith(path + ":", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("webhook: {certManager: {enabled: true, issuerRef: {name: corp-ca, kind: ClusterIssuer, group: cert-manager.io}}}")]
    [InlineData("webhook: {failurePolicy: Ignore, timeoutSeconds: 30}")]
    [InlineData("podDisruptionBudget: {minAvailable: \"50%\"}")]
    [InlineData("tolerations: [{key: dedicated, operator: Equal, value: ops, effect: NoSchedule}]")]
    [InlineData("resources: {requests: {cpu: 0.5, memory: 256Mi}, limits: null}")]
    [InlineData("image: {tag: \"0.1.1\"}\nimagePullSecrets: [{name: ghcr}]\nwatchNamespace: models\nreplicaCount: 1")]
    [InlineData("serviceMonitor: {enabled: true, interval: 15s, labels: {release: kube-prometheus-stack}}")]
    public void Schema_Should_Accept_When_AnOverrideIsValid(string overrides) =>
        Assert.Empty(ErrorsWith(overrides));
}
