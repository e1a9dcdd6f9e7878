using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// The captured stdout and stderr of one container instance, line by line in arrival order, as the container
/// runtime's log file holds it. Bounded: past <see cref="MaxBytes"/> the oldest lines are dropped (the runtime
/// rotates its files too). Followers get every line appended after they subscribed, until the instance ends.
/// </summary>
public sealed class ContainerLog
{
    public const int MaxBytes = 4 * 1024 * 1024;

    private readonly object _gate = new();
    private readonly LinkedList<string> _lines = new();
    private readonly List<Channel<string>> _followers = new();
    private long _bytes;
    private bool _completed;

    public void Append(string line)
    {
        lock (_gate)
        {
            if (_completed) return;
            _lines.AddLast(line);
            _bytes += line.Length + 1;
            while (_bytes > MaxBytes && _lines.First is { } oldest)
            {
                _bytes -= oldest.Value.Length + 1;
                _lines.RemoveFirst();
            }

            foreach (var follower in _followers) follower.Writer.TryWrite(line);
        }
    }

    /// <summary>The instance ended: no more lines; followers finish.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            foreach (var follower in _followers) follower.Writer.TryComplete();
            _followers.Clear();
        }
    }

    /// <summary>The log as <c>kubectl logs</c> prints it: each line ended by a newline; only the last N with tailLines.</summary>
    public string Text(int? tailLines = null)
    {
        lock (_gate)
        {
            IEnumerable<string> lines = tailLines is { } n ? _lines.Skip(Math.Max(0, _lines.Count - n)) : _lines;
            var text = new StringBuilder();
            foreach (var line in lines) text.Append(line).Append('\n');
            return text.ToString();
        }
    }

    /// <summary>
    /// The kubelet's FallbackToLogsOnError message: the last <paramref name="maxLines"/> lines, cut to the last
    /// <paramref name="maxBytes"/> bytes (kubelet's 80 lines / 2048 bytes).
    /// </summary>
    public string Tail(int maxLines, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetBytes(Text(maxLines).TrimEnd('\n'));
        if (bytes.Length <= maxBytes) return Encoding.UTF8.GetString(bytes);
        var start = bytes.Length - maxBytes;
        while (start < bytes.Length && (bytes[start] & 0xC0) == 0x80) start++; // do not split a UTF-8 character
        return Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>Every line so far, then each new one, each ended by a newline, until the instance ends or the token fires.</summary>
    public async IAsyncEnumerable<string> Follow([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        List<string> backlog;
        lock (_gate)
        {
            backlog = _lines.ToList();
            if (_completed) channel.Writer.TryComplete();
            else _followers.Add(channel);
        }

        try
        {
            foreach (var line in backlog) yield return line + "\n";
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var line)) yield return line + "\n";
            }
        }
        finally
        {
            lock (_gate) _followers.Remove(channel);
        }
    }
}
