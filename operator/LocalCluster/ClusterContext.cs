using LlmOperator.LocalCluster.Api;
using LlmOperator.LocalCluster.Faults;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster;

/// <summary>What admission plugins and cluster components are built from.</summary>
/// <param name="ApiServerAddress">The API server's base URL; null while admission plugins are created (the server is not up yet).</param>
public sealed record ClusterContext(
    ObjectStore Store,
    ResourceRegistry Registry,
    AdmissionChain Admission,
    FaultInjector Faults,
    LocalClusterOptions Options,
    Uri? ApiServerAddress);
