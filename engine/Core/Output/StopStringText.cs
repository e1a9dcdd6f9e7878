namespace LlmOperator.Engine.Core.Output;

/// <summary>
/// The output text with stop strings applied: text after the first stop string is dropped (the stop string too),
/// and while streaming the last (longest stop − 1) characters are held back, so a client never sees the start of a
/// stop string that the next token completes.
/// </summary>
public sealed class StopStringText(IReadOnlyList<string> stops)
{
    private readonly int _holdBack = stops.Count == 0 ? 0 : stops.Max(s => s.Length) - 1;
    private string _text = "";
    private int _emitted;

    public string Text => _text;

    /// <summary>True once a stop string was found.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Appends <paramref name="delta"/>; true when it completed a stop string.</summary>
    public bool Append(string delta)
    {
        if (Stopped || delta.Length == 0) return Stopped;
        int searchFrom = Math.Max(0, _text.Length - _holdBack);
        _text += delta;
        int first = -1;
        foreach (string stop in stops)
        {
            int at = stop.Length == 0 ? -1 : _text.IndexOf(stop, searchFrom, StringComparison.Ordinal);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0)
        {
            _text = _text[..first];
            Stopped = true;
        }
        return Stopped;
    }

    /// <summary>The text not yet handed out that is safe to hand out now (all of it once <paramref name="final"/>).</summary>
    public string TakeEmittable(bool final)
    {
        int end = final || Stopped ? _text.Length : Math.Max(_emitted, _text.Length - _holdBack);
        string delta = _text[_emitted..end];
        _emitted = end;
        return delta;
    }
}
