using System.Security.Cryptography;
using k8s.Models;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Kubernetes;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Reconciliation.Events;

/// <summary>
/// Writes core/v1 Events about a ModelDeployment, the shape <c>kubectl describe</c> reads (involvedObject with uid,
/// timestamps, count, source). An Event is a notice, not state: failing to write one is logged, never fatal.
/// </summary>
public sealed class EventRecorder(IClusterClient client, TimeProvider clock, ILogger<EventRecorder> logger)
{
    public const string Component = "llm-operator";
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    public async Task RecordAsync(V1Alpha1ModelDeployment resource, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var ev = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                // client-go names events <object>.<unique hex>, as kubectl expects nothing of the name but uniqueness.
                Name = $"{resource.Metadata.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
                NamespaceProperty = resource.Metadata.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = V1Alpha1ModelDeployment.GroupVersion,
                Kind = V1Alpha1ModelDeployment.EntityKind,
                Name = resource.Metadata.Name,
                NamespaceProperty = resource.Metadata.NamespaceProperty,
                Uid = resource.Metadata.Uid,
                ResourceVersion = resource.Metadata.ResourceVersion,
            },
            Type = type,
            Reason = reason,
            Message = message.Length <= 1024 ? message : message[..1021] + "...",
            Source = new V1EventSource { Component = Component },
            ReportingComponent = Component,
            ReportingInstance = Environment.MachineName,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await client.CreateAsync(ev, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Event {EventType} {Reason} for {Namespace}/{Name}: {Message}", type, reason,
                resource.Metadata.NamespaceProperty, resource.Metadata.Name, message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not record event {Reason} for {Namespace}/{Name}", reason, resource.Metadata.NamespaceProperty, resource.Metadata.Name);
        }
    }
}
