using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Controllers.Events;

/// <summary>
/// Writes core/v1 Events about objects, as client-go's event recorder does for kube-controller-manager:
/// an event repeated with the same object, type, reason and message bumps the existing event's
/// count and lastTimestamp instead of adding a new one (what <c>kubectl describe</c> shows as "x3 over 2m").
/// Recording never fails the caller: events are best effort, as in Kubernetes.
/// </summary>
public sealed class EventRecorder(ObjectStore store, string component, ControllerOptions? options = null)
{
    /// <summary>How many distinct events are remembered for de-duplication before the memory is cleared.</summary>
    private const int MaxRemembered = 4096;

    private readonly ControllerOptions _options = options ?? new ControllerOptions();
    private readonly ILogger _logger = (options?.Loggers ?? new ControllerOptions().Loggers).CreateLogger("LocalCluster.Events");
    private readonly Dictionary<string, StoredEvent> _seen = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public string Component => component;

    public void Normal(JsonObject involved, string reason, string message) => Record(involved, "Normal", reason, message);

    public void Warning(JsonObject involved, string reason, string message) => Record(involved, "Warning", reason, message);

    public void Record(JsonObject involved, string type, string reason, string message)
    {
        var ns = involved.Namespace() ?? "default";
        var key = string.Join('\u0001', component, involved.ApiVersion(), involved.Kind(), ns, involved.Name(), involved.Uid(), type, reason, message);
        var now = ObjectJson.ApiTime(_options.Clock.GetUtcNow());
        try
        {
            lock (_gate)
            {
                if (_seen.TryGetValue(key, out var existing) && TryBump(existing, now)) return;
                if (_seen.Count >= MaxRemembered) _seen.Clear();
                _seen[key] = Create(involved, ns, type, reason, message, now);
            }
        }
        catch (ApiError e)
        {
            _logger.LogWarning("Could not record event {Reason} on {Kind} {Name}: {Message}", reason, involved.Kind(), involved.Name(), e.Message);
        }
    }

    private bool TryBump(StoredEvent existing, DateTime now)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var stored = store.Get(BuiltInTypes.Events, existing.Namespace, existing.Name);
            if (stored is null) return false;
            stored["count"] = (stored["count"].AsLong() ?? 1) + 1;
            stored["lastTimestamp"] = now.ToString("yyyy-MM-ddTHH:mm:ssZ");
            try
            {
                store.Update(BuiltInTypes.Events, stored);
                return true;
            }
            catch (ApiError e) when (e.Code == 409)
            {
                // Someone else touched the event (e.g. a client): re-read and bump again.
            }
        }

        return false;
    }

    private StoredEvent Create(JsonObject involved, string ns, string type, string reason, string message, DateTime now)
    {
        var evt = new Corev1Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta { NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = involved.ApiVersion(), Kind = involved.Kind(), Name = involved.Name(),
                NamespaceProperty = involved.Namespace(), Uid = involved.Uid(),
                ResourceVersion = (string?)involved.Meta()["resourceVersion"],
            },
            Type = type, Reason = reason, Message = message, Count = 1,
            FirstTimestamp = now, LastTimestamp = now,
            Source = new V1EventSource { Component = component },
            ReportingComponent = component, ReportingInstance = _options.InstanceName,
        };
        // Named like client-go: the object's name and the time in hex nanoseconds; a clash moves on by one.
        var stamp = (_options.Clock.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
        for (var attempt = 0; ; attempt++)
        {
            evt.Metadata.Name = $"{involved.Name()}.{stamp + attempt:x}";
            try
            {
                store.Create(BuiltInTypes.Events, TypedObjectStore.ToJson(evt));
                return new StoredEvent(ns, evt.Metadata.Name);
            }
            catch (ApiError e) when (e.Code == 409 && e.Reason == "AlreadyExists" && attempt < 16)
            {
                // Two events in the same tick for the same object: try the next name.
            }
        }
    }

    private sealed record StoredEvent(string Namespace, string Name);
}
