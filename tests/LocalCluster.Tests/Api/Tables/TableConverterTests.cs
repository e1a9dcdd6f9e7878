using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Tables;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Tables;

public sealed class TableConverterTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ToTable_Should_ShowPodReadyStatusRestartsAndWideColumns_When_PodRuns()
    {
        var pod = Pod("""
            "spec": {"nodeName": "node-1", "containers": [{"name": "engine"}]},
            "status": {"phase": "Running", "podIP": "127.0.0.5", "containerStatuses": [{"name": "engine", "ready": true,
              "restartCount": 2, "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-01-01T11:55:00Z"}}}]}
            """);

        var table = TableConverter.ToTable(BuiltInTypes.Pods, [pod], false, "42", null, Now);

        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"], ColumnNames(table));
        Assert.Equal(["web-1", "1/1", "Running", "2 (5m ago)", "2m", "127.0.0.5", "node-1", "<none>", "<none>"], Cells(table, 0));
        Assert.Equal(1, (int)table["columnDefinitions"]![5]!["priority"]!);
        Assert.Equal("42", (string?)table["metadata"]!["resourceVersion"]);
    }

    [Theory]
    [InlineData("""{"phase": "Pending"}""", "Pending", "0/1")]
    [InlineData("""{"phase": "Pending", "containerStatuses": [{"name": "engine", "state": {"waiting": {"reason": "ContainerCreating"}}}]}""", "ContainerCreating", "0/1")]
    [InlineData("""{"phase": "Running", "containerStatuses": [{"name": "engine", "restartCount": 3, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}""", "CrashLoopBackOff", "0/1")]
    [InlineData("""{"phase": "Failed", "containerStatuses": [{"name": "engine", "state": {"terminated": {"exitCode": 3}}}]}""", "ExitCode:3", "0/1")]
    [InlineData("""{"phase": "Succeeded", "containerStatuses": [{"name": "engine", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}""", "Completed", "0/1")]
    [InlineData("""{"phase": "Pending", "initContainerStatuses": [{"name": "fetch", "state": {"running": {}}}]}""", "Init:0/1", "0/1")]
    public void ToTable_Should_ShowTheMostTellingReason_When_PodIsNotRunning(string status, string expected, string ready)
    {
        var pod = Pod($$"""
            "spec": {"initContainers": [{"name": "fetch"}], "containers": [{"name": "engine"}]},
            "status": {{status}}
            """);

        var cells = Cells(TableConverter.ToTable(BuiltInTypes.Pods, [pod], false, null, null, Now), 0);

        Assert.Equal(expected, cells[2]);
        Assert.Equal(ready, cells[1]);
    }

    [Fact]
    public void ToTable_Should_ShowTerminating_When_RunningPodHasDeletionTimestamp()
    {
        var pod = Pod("""
            "spec": {"containers": [{"name": "engine"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "engine", "ready": true, "state": {"running": {}}}]}
            """);
        pod["metadata"]!["deletionTimestamp"] = "2025-01-01T11:59:59Z";

        Assert.Equal("Terminating", Cells(TableConverter.ToTable(BuiltInTypes.Pods, [pod], false, null, null, Now), 0)[2]);
    }

    [Fact]
    public void ToTable_Should_ShowReadyOfDesired_When_DeploymentIsRolling()
    {
        var deployment = Parse("""
            {"metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2025-01-01T09:00:00Z"},
             "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                      "template": {"spec": {"containers": [{"name": "engine", "image": "engine:1"}]}}},
             "status": {"replicas": 2, "readyReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1}}
            """);

        var table = TableConverter.ToTable(BuiltInTypes.Deployments, [deployment], false, null, null, Now);

        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"], ColumnNames(table));
        Assert.Equal(["web", "1/2", "1", "1", "3h", "engine", "engine:1", "app=web"], Cells(table, 0));
    }

    [Fact]
    public void ToTable_Should_EvaluatePrinterColumns_When_KindHasThem()
    {
        var type = new ResourceType("inference.llmoperator.dev", "v1alpha1", "ModelDeployment", "modeldeployments", true)
        {
            PrinterColumns =
            [
                new("Model", "string", ".spec.model.name"),
                new("TP", "integer", ".spec.engine.tensorParallelSize"),
                new("Ready", "string", """.status.conditions[?(@.type=="Ready")].status"""),
                new("Phase", "string", ".status.phase"),
                new("Age", "date", ".metadata.creationTimestamp"),
                new("Endpoint", "string", ".status.endpoint", Priority: 1),
            ],
        };
        var md = Parse("""
            {"metadata": {"name": "llama", "namespace": "default", "creationTimestamp": "2025-01-01T11:55:00Z", "labels": {"app": "llama"}},
             "spec": {"model": {"name": "llmoperator/tiny-llama4"}, "engine": {"tensorParallelSize": 4}},
             "status": {"conditions": [{"type": "Valid", "status": "True"}, {"type": "Ready", "status": "False"}]}}
            """);

        var table = TableConverter.ToTable(type, [md], false, "7", "next-page", Now);

        Assert.Equal(["Name", "Model", "TP", "Ready", "Phase", "Age", "Endpoint"], ColumnNames(table));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("llmoperator/tiny-llama4", (string?)cells[1]);
        Assert.Equal(4L, (long)cells[2]!);
        Assert.Equal("False", (string?)cells[3]);
        Assert.Null(cells[4]);
        Assert.Equal("5m", (string?)cells[5]);
        Assert.Equal("date", (string?)table["columnDefinitions"]![5]!["type"]);
        Assert.Equal("next-page", (string?)table["metadata"]!["continue"]);
    }

    [Fact]
    public void ToTable_Should_CarryMetadataOnly_When_ObjectIsNotIncluded()
    {
        var pod = Pod("""
            "spec": {"containers": [{"name": "engine"}]}, "status": {"phase": "Pending"}
            """);

        var partial = TableConverter.ToTable(BuiltInTypes.Pods, [pod], false, null, null, Now)["rows"]![0]!["object"]!;
        var full = TableConverter.ToTable(BuiltInTypes.Pods, [pod], true, null, null, Now)["rows"]![0]!["object"]!;

        Assert.Equal("PartialObjectMetadata", (string?)partial["kind"]);
        Assert.Equal("meta.k8s.io/v1", (string?)partial["apiVersion"]);
        Assert.Equal("default", (string?)partial["metadata"]!["namespace"]);
        Assert.Equal("web", (string?)partial["metadata"]!["labels"]!["app"]);
        Assert.Null(partial["spec"]);
        Assert.True(JsonNode.DeepEquals(pod, full));
    }

    [Fact]
    public void ToTable_Should_FormatPortsEndpointsAndNodes_When_CoreKindsArePrinted()
    {
        var service = Parse("""
            {"metadata": {"name": "api", "creationTimestamp": "2025-01-01T12:00:00Z"},
             "spec": {"type": "NodePort", "clusterIP": "10.0.0.7", "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}, {"port": 9090}], "selector": {"app": "web"}}}
            """);
        var endpoints = Parse("""
            {"metadata": {"name": "api"}, "subsets": [{"addresses": [{"ip": "127.0.0.2"}, {"ip": "127.0.0.3"}, {"ip": "127.0.0.4"}, {"ip": "127.0.0.5"}], "ports": [{"port": 8000}]}]}
            """);
        var node = Parse("""
            {"metadata": {"name": "node-1", "labels": {"node-role.kubernetes.io/control-plane": ""}},
             "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.32.5"}}}
            """);

        Assert.Equal(["api", "NodePort", "10.0.0.7", "<none>", "80:30080/TCP,9090/TCP", "0s", "app=web"],
            Cells(TableConverter.ToTable(BuiltInTypes.Services, [service], false, null, null, Now), 0));
        Assert.Equal("127.0.0.2:8000,127.0.0.3:8000,127.0.0.4:8000 + 1 more...",
            Cells(TableConverter.ToTable(BuiltInTypes.Endpoints, [endpoints], false, null, null, Now), 0)[1]);
        var nodeCells = Cells(TableConverter.ToTable(BuiltInTypes.Nodes, [node], false, null, null, Now), 0);
        Assert.Equal(["node-1", "Ready", "control-plane", "<unknown>", "v1.32.5"], nodeCells[..5]);
    }

    [Fact]
    public void ToTable_Should_LeadWithLastSeen_When_EventsArePrinted()
    {
        var ev = Parse("""
            {"metadata": {"name": "llama.1"}, "involvedObject": {"kind": "ModelDeployment", "name": "llama"},
             "reason": "Scaled", "message": "scaled to 2 ", "type": "Normal", "source": {"component": "model-operator"},
             "firstTimestamp": "2025-01-01T11:00:00Z", "lastTimestamp": "2025-01-01T11:59:30Z", "count": 3}
            """);

        var table = TableConverter.ToTable(BuiltInTypes.Events, [ev], false, null, null, Now);

        Assert.Equal("Last Seen", ColumnNames(table)[0]);
        Assert.Equal(["30s", "Normal", "Scaled", "modeldeployment/llama", "", "model-operator", "scaled to 2", "60m", "3", "llama.1"], Cells(table, 0));
    }

    [Fact]
    public void ToTable_Should_UseNameAndCreatedAt_When_KindHasNoPrinter()
    {
        var type = new ResourceType("example.com", "v1", "Widget", "widgets", true);
        var widget = Parse("""{"metadata": {"name": "w", "creationTimestamp": "2025-01-01T11:00:00Z"}}""");

        var table = TableConverter.ToTable(type, [widget], false, null, null, Now);

        Assert.Equal(["Name", "Created At"], ColumnNames(table));
        Assert.Equal(["w", "2025-01-01T11:00:00Z"], Cells(table, 0));
    }

    private static JsonObject Pod(string body) => Parse($$"""
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"}, "creationTimestamp": "2025-01-01T11:58:00Z"},
         {{body}}}
        """);

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static string[] ColumnNames(JsonObject table) =>
        table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!).ToArray();

    /// <summary>Cells as text; a null cell (printed empty by kubectl) reads "(null)".</summary>
    private static string[] Cells(JsonObject table, int row) =>
        table["rows"]![row]!["cells"]!.AsArray().Select(c => c?.ToString() ?? "(null)").ToArray();
}
