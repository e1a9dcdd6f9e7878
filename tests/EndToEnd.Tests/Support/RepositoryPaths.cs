using LlmOperator.LocalCluster.Kubelet.Containers;

namespace LlmOperator.EndToEnd.Tests.Support;

/// <summary>Files of this checkout: the examples, the CRDs, the operator's build output.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = EngineLocator.RepositoryRoot() ?? throw new InvalidOperationException("no Operator.sln above the tests");

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The operator's dll in the configuration these tests were built in (…/bin/Debug/net10.0/ → Debug).</summary>
    public static string OperatorDll =>
        Of("operator", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net10.0", "LlmOperator.Operator.dll");
}
