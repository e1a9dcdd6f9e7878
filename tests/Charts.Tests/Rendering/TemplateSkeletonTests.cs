using LlmOperator.Charts.Tests.Yaml;

namespace LlmOperator.Charts.Tests.Rendering;

public sealed class TemplateSkeletonTests
{
    private const string Template = """
        {{- if .Values.webhook.enabled }}
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ include "llm-operator.webhookServiceName" . }}
          labels:
            {{- include "llm-operator.labels" . | nindent 4 }}{{- /* trailing */}}
            tier: "{{ .Values.tier }}"
        spec:
          ports:
            - port: 443
              targetPort: {{ .Values.webhook.port }}
        {{- end }}
        ---
        {{- with .Values.extra }}
        {{- end }}
        """;

    [Fact]
    public void FromText_Should_DropDirectiveLinesAndKeepTheRest_When_TheTemplateFollowsTheStyle()
    {
        var skeleton = TemplateSkeleton.FromText(Template, "service.yaml");

        var service = Assert.Single(skeleton.Documents);
        Assert.Equal("Service", (string?)service["kind"]);
        Assert.Equal("include \"llm-operator.webhookServiceName\" .", skeleton.ExpressionOf(service["metadata"]!["name"]));
        Assert.Equal(".Values.tier", skeleton.ExpressionOf(service["metadata"]!["labels"]!["tier"]));
        Assert.Equal(".Values.webhook.port", skeleton.ExpressionOf(service["spec"]!["ports"]![0]!["targetPort"]));
        Assert.Null(skeleton.ExpressionOf(service["spec"]!["ports"]![0]!["port"]));
        Assert.DoesNotContain("{{", skeleton.Text);
    }

    [Fact]
    public void ExpressionsIn_Should_ListEachAction_When_OneScalarHoldsSeveral()
    {
        var skeleton = TemplateSkeleton.FromText("dnsNames:\n  - {{ include \"svc\" . }}.{{ .Release.Namespace }}.svc\n", "cert.yaml");

        var name = (string)skeleton.Documents[0]["dnsNames"]![0]!;

        Assert.Equal(["include \"svc\" .", ".Release.Namespace"], skeleton.ExpressionsIn(name));
        Assert.EndsWith(".svc", name);
    }

    [Fact]
    public void FromText_Should_KeepEscapedBracesInOneAction_When_APrometheusTemplateIsEscaped()
    {
        const string template = """
            summary: '{{ "{{" }} $labels.namespace {{ "}}" }} is not Ready'
            description: {{`{{ $value }}`}} minutes
            """;

        var skeleton = TemplateSkeleton.FromText(template, "prometheusrule.yaml");

        var document = skeleton.Documents.Single();
        Assert.Equal(["\"{{\"", "\"}}\""], skeleton.ExpressionsIn((string)document["summary"]!));
        Assert.Equal(["`{{ $value }}`"], skeleton.ExpressionsIn((string)document["description"]!));
        Assert.EndsWith(" minutes", (string)document["description"]!);
    }

    [Fact]
    public void FromText_Should_NameTheLine_When_AnActionSpansLines()
    {
        var error = Assert.Throws<YamlFormatException>(() => TemplateSkeleton.FromText("a: 1\nb: {{ include\n  \"x\" . }}\n", "split.yaml"));

        Assert.StartsWith("split.yaml:2:", error.Message);
    }

    [Fact]
    public void FromText_Should_NameTheTemplate_When_TheSkeletonIsNotYaml()
    {
        var error = Assert.Throws<YamlFormatException>(() => TemplateSkeleton.FromText("a:\n  b: 1\n c: {{ .Values.x }}\n", "indent.yaml"));

        Assert.StartsWith("indent.yaml (directive lines removed):", error.Message);
    }

    [Theory]
    [MemberData(nameof(ChartTemplates))]
    public void FromFile_Should_GiveYamlDocuments_When_AChartTemplateIsRead(string template)
    {
        var skeleton = TemplateSkeleton.FromFile(ChartFiles.Of("templates", template));

        Assert.NotEmpty(skeleton.Documents);
        Assert.All(skeleton.Documents, d => Assert.False(string.IsNullOrEmpty((string?)d["kind"]), $"{template}: a document without kind"));
    }

    public static TheoryData<string> ChartTemplates() => [.. ChartFiles.ManifestTemplates().Select(Path.GetFileName).OfType<string>()];
}
