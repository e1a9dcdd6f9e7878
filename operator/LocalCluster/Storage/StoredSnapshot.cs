using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Storage;

/// <summary>
/// One stored version of an object: the node the store reads under its lock, and its UTF-8 JSON,
/// written once when it is stored. Neither ever changes, so a reader may take the snapshot under
/// the lock and make its own copy after releasing it (parsing immutable bytes is safe from any
/// thread, where reading a shared <see cref="JsonNode"/> while another thread reads it is not
/// documented as safe).
/// </summary>
internal sealed class StoredSnapshot
{
    private readonly byte[] _json;

    public StoredSnapshot(JsonObject node)
    {
        Node = node;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        _json = buffer.WrittenSpan.ToArray();
    }

    /// <summary>The stored node: only the store reads it, only under its lock, and never changes it.</summary>
    public JsonObject Node { get; }

    /// <summary>A private copy for a caller, which it may change freely.</summary>
    public JsonObject Copy() =>
        JsonNode.Parse(_json)?.AsObject() ?? throw new InvalidOperationException("a stored object serialised to null");
}
