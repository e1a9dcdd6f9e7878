using System.Text.Json;
using LlmOperator.Engine.Core.Sampling;
using LlmOperator.Engine.Server.Dtos;

namespace LlmOperator.Engine.Server;

/// <summary>
/// The sampling fields of a request → <see cref="SamplingParams"/>, with OpenAI's ranges. Anything the engine does not
/// implement (n &gt; 1, penalties, echo) is refused with a 400 naming the field rather than silently ignored.
/// </summary>
public static class SamplingReader
{
    public const int MaxStopStrings = 16;
    public const int MaxTopLogprobs = 20;

    public static SamplingParams Read(GenerationRequestDto dto, int maxTokens, int? logprobs)
    {
        if (dto.N is { } n && n != 1)
            throw OpenAiException.BadRequest($"n = {n} is not supported: this engine returns one choice per request. Send n = 1 (or omit it).", "n");
        Range("temperature", dto.Temperature, 0, 2);
        Range("top_p", dto.TopP, double.Epsilon, 1);
        if (dto.TopK is { } k && k < -1)
            throw OpenAiException.BadRequest($"top_k must be -1 (all tokens) or at least 1, got {k}.", "top_k");
        Unsupported("presence_penalty", dto.PresencePenalty);
        Unsupported("frequency_penalty", dto.FrequencyPenalty);
        if (logprobs is { } lp && (lp < 0 || lp > MaxTopLogprobs))
            throw OpenAiException.BadRequest($"logprobs must be between 0 and {MaxTopLogprobs}, got {lp}.", "logprobs");
        return new SamplingParams
        {
            Temperature = dto.Temperature ?? 1.0,
            TopP = dto.TopP ?? 1.0,
            TopK = dto.TopK is { } topK && topK > 0 ? topK : 0,
            Seed = dto.Seed,
            MaxTokens = maxTokens,
            Stop = StopStrings(dto.Stop),
            StopTokenIds = dto.StopTokenIds ?? [],
            IgnoreEos = dto.IgnoreEos ?? false,
            Logprobs = logprobs,
        };
    }

    private static IReadOnlyList<string> StopStrings(JsonElement stop)
    {
        var stops = stop.ValueKind switch
        {
            JsonValueKind.Undefined or JsonValueKind.Null => [],
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array when stop.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                stop.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw OpenAiException.BadRequest("stop must be a string or an array of strings.", "stop", "invalid_type"),
        };
        if (stops.Count > MaxStopStrings)
            throw OpenAiException.BadRequest($"stop holds {stops.Count} strings; at most {MaxStopStrings} are allowed.", "stop");
        if (stops.Any(s => s.Length == 0))
            throw OpenAiException.BadRequest("stop strings must not be empty.", "stop");
        return stops;
    }

    private static void Range(string field, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
            throw OpenAiException.BadRequest($"{field} must be between {(min == double.Epsilon ? "0 (exclusive)" : min)} and {max}, got {v}.", field);
    }

    private static void Unsupported(string field, double? value)
    {
        if (value is { } v && v != 0)
            throw OpenAiException.BadRequest($"{field} is not supported by this engine; send 0 or omit it.", field);
    }
}
