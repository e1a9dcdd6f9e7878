using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Storage;

public enum WatchEventType { Added, Modified, Deleted, Bookmark }

/// <summary>
/// One change of one object. <see cref="Previous"/> is the object before a MODIFIED change, so that a
/// watch with a selector can turn "left the selection" into DELETED as kube-apiserver does.
/// Event objects are shared between watchers: treat them as read-only.
/// </summary>
public sealed record WatchEvent(WatchEventType Type, JsonObject Object, long ResourceVersion)
{
    public JsonObject? Previous { get; init; }

    /// <summary>The wire name: ADDED, MODIFIED, DELETED, BOOKMARK.</summary>
    public string WireType => Type.ToString().ToUpperInvariant();
}
