using System.Text.Json.Serialization;

namespace LlmOperator.Engine.Server.Dtos;

public sealed record UsageDto(
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("completion_tokens")] int CompletionTokens)
{
    [JsonPropertyName("total_tokens")] public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>A <c>text_completion</c> object, whole or as one stream chunk (then usage is null until the last).</summary>
public sealed record CompletionResponseDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<CompletionChoiceDto> Choices,
    [property: JsonPropertyName("usage")] UsageDto? Usage)
{
    [JsonPropertyName("object")] public string Object => "text_completion";
}

public sealed record CompletionChoiceDto(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("logprobs")] CompletionLogprobsDto? Logprobs,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

/// <summary>The legacy completions logprobs: parallel lists per token, top alternatives as token → logprob maps.</summary>
public sealed record CompletionLogprobsDto(
    [property: JsonPropertyName("tokens")] IReadOnlyList<string> Tokens,
    [property: JsonPropertyName("token_logprobs")] IReadOnlyList<float> TokenLogprobs,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<Dictionary<string, float>>? TopLogprobs,
    [property: JsonPropertyName("text_offset")] IReadOnlyList<int> TextOffset);
