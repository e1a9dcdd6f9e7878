namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// One served resource (a row of discovery): built-in kinds are registered at start-up,
/// CustomResourceDefinitions add theirs when they become Established.
/// </summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced,
    bool HasStatusSubresource = false,
    IReadOnlyList<string>? ShortNames = null,
    IReadOnlyList<string>? Categories = null)
{
    /// <summary>"v1" for the core group, "apps/v1" otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public string Singular => Kind.ToLowerInvariant();

    /// <summary>"deployments.apps" / "pods": the name used in Status details and errors.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Objects whose spec changes bump metadata.generation (pods and config data do not).</summary>
    public bool TracksGeneration { get; init; } = true;

    /// <summary>Table columns after NAME (CRDs: additionalPrinterColumns); null = the server's built-in ones.</summary>
    public IReadOnlyList<PrinterColumn>? PrinterColumns { get; init; }

    /// <summary>The OpenAPI v3 schema of the kind (CRDs: the version's openAPIV3Schema), served under /openapi/v3.</summary>
    public System.Text.Json.Nodes.JsonObject? OpenApiSchema { get; init; }
}
