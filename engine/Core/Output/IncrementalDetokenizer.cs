namespace LlmOperator.Engine.Core.Output;

/// <summary>
/// Turns output token ids into text one token at a time without re-decoding the whole output each step (vLLM's
/// prefix/read offsets): decode a short window before and after the new tokens and keep what the new tokens added.
/// A window whose text ends in U+FFFD holds part of a UTF-8 character, so nothing is emitted until the rest arrives.
/// </summary>
public sealed class IncrementalDetokenizer(Func<IReadOnlyList<int>, string> decode)
{
    private int _prefixOffset;
    private int _readOffset;

    /// <summary>The text the tokens added since the last call (possibly empty).</summary>
    public string Next(IReadOnlyList<int> ids)
    {
        string prefix = decode(Slice(ids, _prefixOffset, _readOffset));
        string full = decode(Slice(ids, _prefixOffset, ids.Count));
        if (full.Length <= prefix.Length || full.EndsWith('\uFFFD'))
            return "";
        _prefixOffset = _readOffset;
        _readOffset = ids.Count;
        return full[prefix.Length..];
    }

    private static List<int> Slice(IReadOnlyList<int> ids, int from, int to)
    {
        var slice = new List<int>(to - from);
        for (int i = from; i < to; i++) slice.Add(ids[i]);
        return slice;
    }
}
