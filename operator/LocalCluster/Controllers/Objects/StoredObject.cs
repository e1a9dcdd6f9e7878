using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Controllers.Objects;

/// <summary>
/// One object as last read from or written to the store: the raw JSON (what writes start from,
/// carrying its resourceVersion for optimistic concurrency) and a typed view for reading.
/// </summary>
internal sealed class StoredObject<T>(JsonObject raw) where T : class
{
    public JsonObject Raw { get; private set; } = raw;

    public T Typed { get; private set; } = TypedObjectStore.FromJson<T>(raw);

    public string Name => Raw.Name();

    /// <summary>Takes the store's answer to a write as the new state.</summary>
    public void Reset(JsonObject stored)
    {
        Raw = stored;
        Typed = TypedObjectStore.FromJson<T>(stored);
    }

    /// <summary>A copy of the raw JSON to edit and write back.</summary>
    public JsonObject Edit() => (JsonObject)Raw.DeepClone();
}
