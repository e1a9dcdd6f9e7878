using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmOperator.Operator.Entities;

namespace LlmOperator.Operator.Benchmark;

/// <summary>
/// When each ModelDeployment first became Ready as <c>kubectl wait --for=condition=Ready</c> sees it: the Ready
/// condition True for the current generation, and status.observedGeneration caught up.
/// </summary>
public sealed class ReadyTracker
{
    private readonly ConcurrentDictionary<string, long> _readyAt = new(StringComparer.Ordinal);
    private readonly int _expected;
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReadyTracker(int expected)
    {
        _expected = expected;
        if (expected == 0) _all.SetResult();
    }

    public int Count => _readyAt.Count;

    /// <summary>Completes when <c>expected</c> resources have been Ready.</summary>
    public Task All => _all.Task;

    /// <summary>The Stopwatch timestamp at which each resource was first seen Ready.</summary>
    public IReadOnlyDictionary<string, long> ReadyAt => _readyAt;

    public void Observe(TimedChange change)
    {
        if (change.Kind != V1Alpha1ModelDeployment.EntityKind || !IsReady(change.Object)) return;
        if (_readyAt.TryAdd(change.Name, change.Timestamp) && _readyAt.Count >= _expected) _all.TrySetResult();
    }

    /// <summary>The seconds from <paramref name="start"/> until the last resource became Ready.</summary>
    public TimeSpan LastReadyAfter(long start) => _readyAt.IsEmpty ? TimeSpan.Zero : Stopwatch.GetElapsedTime(start, _readyAt.Values.Max());

    public static bool IsReady(JsonObject md) => HasCondition(md, ConditionTypes.Ready);

    /// <summary>Condition <paramref name="type"/> True for the resource's current generation.</summary>
    public static bool HasCondition(JsonObject md, string type)
    {
        long generation = Number(md["metadata"]?["generation"]);
        if (Number(md["status"]?["observedGeneration"]) < generation) return false;
        return md["status"]?["conditions"] is JsonArray conditions && conditions.Any(c =>
            (string?)c?["type"] == type && (string?)c?["status"] == "True" && Number(c?["observedGeneration"]) >= generation);
    }

    /// <summary>An integer however the store holds it (a long, an int, or a JsonElement from a decoded request).</summary>
    public static long Number(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue<long>(out var l) ? l
        : value.TryGetValue<int>(out var i) ? i
        : value.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var parsed) ? parsed
        : long.TryParse(value.ToString(), out var s) ? s : 0
        : 0;
}
