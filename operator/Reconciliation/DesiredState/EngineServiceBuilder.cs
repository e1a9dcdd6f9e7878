using k8s;
using k8s.Models;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>The Service in front of a ModelDeployment's pods: the OpenAI-compatible endpoint clients use.</summary>
public static class EngineServiceBuilder
{
    public static V1Service Build(V1Alpha1ModelDeployment resource)
    {
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta
            {
                Name = resource.Metadata.Name,
                NamespaceProperty = resource.Metadata.NamespaceProperty,
                Labels = EngineLabels.For(resource, EngineCommand.ImageFor(resource.Spec.Engine))
                    .Where(l => l.Key != EngineLabels.Version).ToDictionary(),
            },
            Spec = new V1ServiceSpec
            {
                Type = resource.Spec.Service.Type,
                Selector = EngineLabels.Selector(resource.Metadata.Name),
                Ports = [new V1ServicePort { Name = "http", Port = resource.Spec.Service.Port, TargetPort = "http", Protocol = "TCP" }],
            },
        };
        service.AddOwnerReference(OwnerReference.To(resource));
        return service;
    }

    /// <summary>The in-cluster URL of the OpenAI API, for status.endpoint.</summary>
    public static string Endpoint(V1Alpha1ModelDeployment resource) =>
        $"http://{resource.Metadata.Name}.{resource.Metadata.NamespaceProperty}.svc:{resource.Spec.Service.Port}/v1";
}
