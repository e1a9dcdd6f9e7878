namespace LlmOperator.LocalCluster.Storage;

/// <summary>A column of <c>kubectl get</c>'s Table output (a CRD's additionalPrinterColumns entry).</summary>
/// <param name="JsonPath">Simple JSONPath into the object, e.g. ".status.readyReplicas".</param>
/// <param name="Priority">0 = shown by default, 1 = only with -o wide.</param>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description = "", int Priority = 0, string Format = "");
