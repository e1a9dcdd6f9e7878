namespace LlmOperator.Engine.Reference.Gguf;

/// <summary>
/// Ordered GGUF key/value pairs. Order is kept because llama.cpp's own writer puts <c>general.architecture</c>
/// first and readers that dump metadata show it in file order; keys are unique as the format requires.
/// </summary>
public sealed class GgufMetadata
{
    private readonly List<KeyValuePair<string, GgufValue>> _entries = [];

    public IReadOnlyList<KeyValuePair<string, GgufValue>> Entries => _entries;

    public int Count => _entries.Count;

    /// <summary>Adds or replaces <paramref name="key"/> (a replaced key keeps its position).</summary>
    public GgufMetadata Set(string key, GgufValue value)
    {
        if (string.IsNullOrEmpty(key))
            throw new ArgumentException("A GGUF metadata key must not be empty.", nameof(key));
        int index = IndexOf(key);
        if (index >= 0)
            _entries[index] = new(key, value);
        else
            _entries.Add(new(key, value));
        return this;
    }

    public bool Remove(string key)
    {
        int index = IndexOf(key);
        if (index < 0) return false;
        _entries.RemoveAt(index);
        return true;
    }

    public bool TryGet(string key, out GgufValue value)
    {
        int index = IndexOf(key);
        value = index >= 0 ? _entries[index].Value : GgufValue.Bool(false);
        return index >= 0;
    }

    public bool Contains(string key) => IndexOf(key) >= 0;

    private int IndexOf(string key) => _entries.FindIndex(e => e.Key == key);
}
