using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Kubelet;

/// <summary>
/// Writes core/v1 Events the way client-go's recorder does: one Event per distinct (object, reason, message),
/// repeated occurrences bump <c>count</c> and <c>lastTimestamp</c> instead of adding objects, so a container in
/// CrashLoopBackOff yields one "BackOff" Event with a growing count (what <c>kubectl describe</c> shows).
/// Recording is best effort: an Event that cannot be written never fails the caller.
/// </summary>
public sealed class EventRecorder(ObjectStore store, string component, string? host = null, TimeProvider? clock = null)
{
    public const string Normal = "Normal", Warning = "Warning";

    // Bounded so a long run does not grow it forever; losing an entry only means a new Event instead of count+1.
    private const int MaxRemembered = 10_000;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, string> _names = new();
    private long _sequence;

    /// <param name="involved">The object the Event is about (its metadata: name, namespace, uid; plus kind and apiVersion).</param>
    /// <param name="fieldPath">The part of the object, e.g. <c>spec.containers{engine}</c>.</param>
    public void Record(JsonObject involved, string type, string reason, string message, string? fieldPath = null)
    {
        var ns = StoreWatchLoop.Namespace(involved) ?? "default";
        var key = $"{StoreWatchLoop.Uid(involved)}|{fieldPath}|{type}|{reason}|{message}";
        try
        {
            if (_names.TryGetValue(key, out var existing) && Bump(ns, existing)) return;
            if (_names.Count > MaxRemembered) _names.Clear();
            for (var attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    _names[key] = Create(ns, involved, type, reason, message, fieldPath);
                    return;
                }
                catch (ApiError e) when (e.Code == 409)
                {
                    // Another recorder (scheduler and kubelet write about the same pod) took the name: take the next.
                }
            }
        }
        catch (ApiError)
        {
            // The namespace or object went away meanwhile: an Event is not worth failing over.
        }
    }

    private bool Bump(string ns, string name)
    {
        if (store.Get(BuiltInTypes.Events, ns, name) is not { } found) return false;
        found["count"] = (StoreWatchLoop.Integer(found["count"]) ?? 1) + 1;
        found["lastTimestamp"] = Now();
        store.Update(BuiltInTypes.Events, found);
        return true;
    }

    private string Create(string ns, JsonObject involved, string type, string reason, string message, string? fieldPath)
    {
        var meta = involved["metadata"]!;
        // client-go names Events "<object>.<unix nanos in hex>"; the sequence keeps names unique within a tick.
        var nanos = _clock.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000 + Interlocked.Increment(ref _sequence) % 1_000_000;
        var name = $"{meta["name"]}.{nanos:x}";
        var now = Now();
        var involvedObject = new JsonObject
        {
            ["kind"] = (string?)involved["kind"],
            ["apiVersion"] = (string?)involved["apiVersion"],
            ["namespace"] = (string?)meta["namespace"],
            ["name"] = (string?)meta["name"],
            ["uid"] = (string?)meta["uid"],
        };
        if (fieldPath is not null) involvedObject["fieldPath"] = fieldPath;
        store.Create(BuiltInTypes.Events, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = involvedObject,
            ["reason"] = reason,
            ["message"] = message,
            ["type"] = type,
            ["source"] = host is null ? new JsonObject { ["component"] = component } : new JsonObject { ["component"] = component, ["host"] = host },
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["reportingComponent"] = component,
            ["reportingInstance"] = host ?? component,
        });
        return name;
    }

    private string Now() => _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
}
