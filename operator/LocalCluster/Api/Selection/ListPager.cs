using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Selection;

/// <summary>
/// <c>limit</c>/<c>continue</c> paging. Like a list served from etcd at one revision, every page of
/// one list comes from the snapshot taken by the first page, so paging is consistent however the
/// store changes in between. Snapshots expire after <see cref="Lifetime"/> (etcd compaction on a
/// real cluster), after which the token is answered 410 Expired. Tokens are opaque to clients.
/// </summary>
public sealed class ListPager(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, Snapshot> _snapshots = new();

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <param name="Remaining">Items left after this page (metadata.remainingItemCount), null when none.</param>
    public sealed record Page(IReadOnlyList<JsonObject> Items, long ResourceVersion, string? Continue, long? Remaining);

    /// <summary>The first page of a list of at most <paramref name="limit"/> items (all when null or 0).</summary>
    public Page First(IReadOnlyList<JsonObject> items, long resourceVersion, long? limit)
    {
        Purge();
        if (limit is null or 0 || items.Count <= limit) return new Page(items, resourceVersion, null, null);
        var id = Guid.NewGuid().ToString("N");
        _snapshots[id] = new Snapshot(items, resourceVersion, clock.GetUtcNow() + Lifetime);
        return Slice(id, _snapshots[id], 0, (int)limit.Value);
    }

    /// <summary>The page after a continue token; 400 for a token this server never issued, 410 once expired.</summary>
    public Page Next(string token, long? limit)
    {
        Purge();
        var (id, offset) = Decode(token);
        if (!_snapshots.TryGetValue(id, out var snapshot))
        {
            throw ApiError.Gone(
                "The provided continue parameter is too old to display a consistent list result. " +
                "You can start a new list without the continue parameter.");
        }

        var size = limit is null or 0 ? snapshot.Items.Count : (int)Math.Min(limit.Value, int.MaxValue);
        return Slice(id, snapshot, offset, size);
    }

    private static Page Slice(string id, Snapshot snapshot, int offset, int size)
    {
        var items = snapshot.Items.Skip(offset).Take(size).ToList();
        var next = offset + items.Count;
        var remaining = snapshot.Items.Count - next;
        return remaining > 0
            ? new Page(items, snapshot.ResourceVersion, Encode(id, next), remaining)
            : new Page(items, snapshot.ResourceVersion, null, null);
    }

    private static string Encode(string id, int offset)
    {
        var json = new JsonObject { ["id"] = id, ["start"] = offset }.ToJsonString();
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (string Id, int Offset) Decode(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            if ((string?)json?["id"] is { } id && (int?)json["start"] is { } start && start >= 0) return (id, start);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            // Falls through to the error below: the client sent something this server did not issue.
        }

        throw ApiError.BadRequest($"continue key is not valid: \"{token}\" was not issued by this server");
    }

    private void Purge()
    {
        var now = clock.GetUtcNow();
        foreach (var (id, snapshot) in _snapshots)
        {
            if (snapshot.Expires <= now) _snapshots.TryRemove(id, out _);
        }
    }

    private sealed record Snapshot(IReadOnlyList<JsonObject> Items, long ResourceVersion, DateTimeOffset Expires);
}
