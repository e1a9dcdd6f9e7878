using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmOperator.Rules.Contract;

/// <summary>
/// The one-line JSON an engine writes to its termination-message path before it exits on a failure. Kubernetes
/// keeps it in <c>status.containerStatuses[].lastState.terminated.message</c> (at most 4096 bytes); the operator
/// reads it to classify the failure. Kept under <see cref="MaxBytes"/> so that the log fallback's limit fits it too.
/// </summary>
public sealed record TerminationMessage(
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("exitCode")] int ExitCode,
    [property: JsonPropertyName("settings")] IReadOnlyDictionary<string, string> Settings,
    [property: JsonPropertyName("time")] DateTimeOffset Time)
{
    public const int MaxBytes = 2048;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    /// <summary>A message for a failure of <paramref name="failureClass"/>.</summary>
    public static TerminationMessage For(FailureClass failureClass, string message, IReadOnlyDictionary<string, string> settings) =>
        new(failureClass.ToString(), message, (int)failureClass, settings, DateTimeOffset.UtcNow);

    /// <summary>One line of JSON no longer than <see cref="MaxBytes"/>: the message is shortened if needed.</summary>
    public string ToJsonLine()
    {
        string json = JsonSerializer.Serialize(this, Options);
        int excess = Encoding.UTF8.GetByteCount(json) - MaxBytes;
        if (excess <= 0 || Message.Length <= 16) return json;
        int keep = Math.Max(0, Message.Length - excess - 16);
        return (this with { Message = Message[..keep] + " …(truncated)" }).ToJsonLine();
    }

    /// <summary>Parses a termination message; null when <paramref name="text"/> is not one (e.g. a log tail).</summary>
    public static TerminationMessage? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.TrimStart().StartsWith('{')) return null;
        try
        {
            return JsonSerializer.Deserialize<TerminationMessage>(text, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
