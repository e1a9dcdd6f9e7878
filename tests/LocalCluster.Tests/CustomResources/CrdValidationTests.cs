using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;
using LlmOperator.LocalCluster.Tests.Support;

namespace LlmOperator.LocalCluster.Tests.CustomResources;

public sealed class CrdValidationTests : IAsyncLifetime
{
    private CrdCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CrdCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("metadata.name", "widgets.example.org", "metadata.name: Invalid value: \"widgets.example.org\": must be spec.names.plural+\".\"+spec.group")]
    [InlineData("spec.scope", "Global", "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")]
    [InlineData("spec.names.plural", "Widgets", "spec.names.plural: Invalid value: \"Widgets\": a lowercase RFC 1123 label must consist of")]
    [InlineData("spec.versions[0].storage", "false", "spec.versions: Invalid value: null: must have exactly one version marked as storage version")]
    [InlineData("spec.versions[0].additionalPrinterColumns[0].jsonPath", "spec.size", "spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: \"spec.size\": must be a simple json path")]
    [InlineData("spec.versions[0].additionalPrinterColumns[0].type", "float", "spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: \"float\"")]
    public async Task Create_Should_RejectTheCrd_When_ItCannotBeServed(string field, string value, string expected)
    {
        var crd = Widgets();
        Set(crd, field, value);

        var error = await Assert.ThrowsAsync<ApiError>(() => _cluster.ApplyCrdAsync(crd));

        Assert.Equal(422, error.Code);
        Assert.Contains(expected, error.Message);
        Assert.Null(_cluster.Registry.Find("example.com", "v1", "widgets"));
    }

    [Fact]
    public async Task Create_Should_DefaultSingularAndListKind_When_TheyAreAbsent()
    {
        var crd = await _cluster.ApplyCrdAsync(Widgets());

        Assert.Equal("widget", (string?)crd["spec"]!["names"]!["singular"]);
        Assert.Equal("WidgetList", (string?)crd["spec"]!["names"]!["listKind"]);
        Assert.Equal("None", (string?)crd["spec"]!["conversion"]!["strategy"]);
        Assert.Equal(["Name", "Size"], ["Name", .. _cluster.Registry.Find("example.com", "v1", "widgets")!.PrinterColumns!.Select(c => c.Name)]);
    }

    private static JsonObject Widgets() => JsonNode.Parse("""
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"},
         "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "widgets", "kind": "Widget"},
                  "versions": [{"name": "v1", "served": true, "storage": true,
                                "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
                                "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
        """)!.AsObject();

    /// <summary>Sets "a.b[0].c" to a string (or bool for "true"/"false").</summary>
    private static void Set(JsonObject root, string path, string value)
    {
        JsonNode node = root;
        var parts = path.Replace("[", ".[").Split('.');
        for (var i = 0; i < parts.Length - 1; i++)
        {
            node = parts[i].StartsWith('[') ? node[int.Parse(parts[i][1..^1])]! : node[parts[i]]!;
        }

        node[parts[^1]] = value is "true" or "false" ? JsonValue.Create(value == "true") : JsonValue.Create(value);
    }
}
