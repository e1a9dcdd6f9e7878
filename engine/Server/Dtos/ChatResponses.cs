using System.Text.Json.Serialization;

namespace LlmOperator.Engine.Server.Dtos;

/// <summary>A <c>chat.completion</c> object.</summary>
public sealed record ChatCompletionResponseDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChoiceDto> Choices,
    [property: JsonPropertyName("usage")] UsageDto Usage)
{
    [JsonPropertyName("object")] public string Object => "chat.completion";
}

public sealed record ChatChoiceDto(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("message")] ChatMessageOutDto Message,
    [property: JsonPropertyName("logprobs")] ChatLogprobsDto? Logprobs,
    [property: JsonPropertyName("finish_reason")] string FinishReason);

public sealed record ChatMessageOutDto(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content);

/// <summary>A <c>chat.completion.chunk</c>: one delta; the optional last chunk has no choices and the usage.</summary>
public sealed record ChatCompletionChunkDto(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("choices")] IReadOnlyList<ChatChunkChoiceDto> Choices,
    [property: JsonPropertyName("usage")] UsageDto? Usage)
{
    [JsonPropertyName("object")] public string Object => "chat.completion.chunk";
}

public sealed record ChatChunkChoiceDto(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("delta")] ChatDeltaDto Delta,
    [property: JsonPropertyName("logprobs")] ChatLogprobsDto? Logprobs,
    [property: JsonPropertyName("finish_reason")] string? FinishReason);

public sealed record ChatDeltaDto(
    [property: JsonPropertyName("role"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonPropertyName("content"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

public sealed record ChatLogprobsDto([property: JsonPropertyName("content")] IReadOnlyList<ChatTokenLogprobDto> Content);

public sealed record ChatTokenLogprobDto(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] float Logprob,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int> Bytes,
    [property: JsonPropertyName("top_logprobs")] IReadOnlyList<ChatTopLogprobDto> TopLogprobs);

public sealed record ChatTopLogprobDto(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("logprob")] float Logprob,
    [property: JsonPropertyName("bytes")] IReadOnlyList<int> Bytes);
