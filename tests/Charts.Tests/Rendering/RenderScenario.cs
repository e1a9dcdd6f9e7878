using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.Rendering;

/// <summary>A set of values the chart is rendered with, and the resources (Kind/name) it must then yield, no more.</summary>
public sealed record RenderScenario(string Values, string Release, string Namespace, IReadOnlyList<string> Expected)
{
    /// <summary>Cluster-scoped kinds; every other kind the chart renders lives in the release namespace.</summary>
    public static readonly IReadOnlySet<string> ClusterScoped = new HashSet<string>
        { "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration" };

    public static readonly IReadOnlyDictionary<string, RenderScenario> All = new Dictionary<string, RenderScenario>
    {
        ["defaults"] = new("{}", ChartRenderer.Release, ChartRenderer.Namespace, Resources("llm-operator", webhook: true, certManager: false)),
        ["certManager"] = new("""{"webhook": {"certManager": {"enabled": true}}}""", ChartRenderer.Release, ChartRenderer.Namespace,
            Resources("llm-operator", webhook: true, certManager: true)),
        ["webhookDisabled"] = new("""{"webhook": {"enabled": false, "certManager": {"enabled": true}}}""", ChartRenderer.Release,
            ChartRenderer.Namespace, Resources("llm-operator", webhook: false, certManager: false)),
        ["everyOptional"] = new("""
            {"networkPolicy": {"enabled": true}, "serviceMonitor": {"enabled": true}, "prometheusRule": {"enabled": true},
             "grafanaDashboard": {"enabled": true}}
            """, ChartRenderer.Release, ChartRenderer.Namespace,
            [.. Resources("llm-operator", webhook: true, certManager: false),
             "NetworkPolicy/llm-operator", "ServiceMonitor/llm-operator", "PrometheusRule/llm-operator", "ConfigMap/llm-operator-dashboard"]),
        ["prodInOps"] = new("{}", "prod", "ops", Resources("prod-llm-operator", webhook: true, certManager: false)),
        ["watchNamespace"] = new("""{"watchNamespace": "team-a"}""", ChartRenderer.Release, ChartRenderer.Namespace,
            Resources("llm-operator", webhook: true, certManager: false)),
    };

    public static TheoryData<string> Names => [.. All.Keys];

    public JsonObject ValuesObject => JsonNode.Parse(Values)!.AsObject();

    /// <summary>What the templates promise for two replicas with leader election (the defaults), by webhook setup.</summary>
    private static List<string> Resources(string fullname, bool webhook, bool certManager)
    {
        List<string> resources =
        [
            $"Deployment/{fullname}", $"PodDisruptionBudget/{fullname}", $"ServiceAccount/{fullname}", $"Service/{fullname}-metrics",
            $"ClusterRole/{fullname}", $"ClusterRoleBinding/{fullname}",
            $"Role/{fullname}-leader-election", $"RoleBinding/{fullname}-leader-election",
        ];
        if (webhook)
            resources.AddRange([$"Service/{fullname}-webhook", $"ValidatingWebhookConfiguration/{fullname}", $"MutatingWebhookConfiguration/{fullname}"]);
        // cert-manager issues the certificate; otherwise the operator generates it into a Secret its own Role allows.
        if (webhook && certManager) resources.AddRange([$"Issuer/{fullname}-selfsigned", $"Certificate/{fullname}-webhook"]);
        if (webhook && !certManager) resources.AddRange([$"Role/{fullname}-webhook-cert", $"RoleBinding/{fullname}-webhook-cert"]);
        return resources;
    }
}
