using LlmOperator.LocalCluster.Api.Patching;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Faults;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api;

/// <summary>What the request handlers share: the store, the served kinds, admission, faults and settings.</summary>
public sealed record ApiServices(
    ObjectStore Store,
    ResourceRegistry Registry,
    AdmissionChain Admission,
    FaultInjector Faults,
    ApiServerOptions Options,
    ListPager Pager,
    FieldOwnership Ownership)
{
    /// <summary>Where pod logs come from (the kubelet); null until one is attached, when log requests answer 400.</summary>
    public IPodLogSource? PodLogs { get; set; }
}
