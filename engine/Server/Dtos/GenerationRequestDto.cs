using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmOperator.Engine.Server.Dtos;

/// <summary>
/// The fields <c>/v1/completions</c> and <c>/v1/chat/completions</c> share, as OpenAI names them, plus vLLM's
/// extensions (<c>top_k</c>, <c>stop_token_ids</c>, <c>ignore_eos</c>). Fields that take several JSON shapes
/// (<c>stop</c>) stay <see cref="JsonElement"/> and are read by <see cref="SamplingReader"/>; unknown fields are ignored.
/// </summary>
public abstract class GenerationRequestDto
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("temperature")] public double? Temperature { get; set; }
    [JsonPropertyName("top_p")] public double? TopP { get; set; }
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    [JsonPropertyName("stop")] public JsonElement Stop { get; set; }
    [JsonPropertyName("stop_token_ids")] public List<int>? StopTokenIds { get; set; }
    [JsonPropertyName("ignore_eos")] public bool? IgnoreEos { get; set; }
    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("stream_options")] public StreamOptionsDto? StreamOptions { get; set; }
    [JsonPropertyName("n")] public int? N { get; set; }
    [JsonPropertyName("presence_penalty")] public double? PresencePenalty { get; set; }
    [JsonPropertyName("frequency_penalty")] public double? FrequencyPenalty { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }

    public bool IsStream => Stream == true;

    public bool IncludeUsageInStream => StreamOptions?.IncludeUsage == true;
}

public sealed class StreamOptionsDto
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; set; }
}

/// <summary>POST /v1/completions. <c>prompt</c>: a string, a one-string array, token ids, or a one-element array of token ids.</summary>
public sealed class CompletionRequestDto : GenerationRequestDto
{
    [JsonPropertyName("prompt")] public JsonElement Prompt { get; set; }
    [JsonPropertyName("logprobs")] public int? Logprobs { get; set; }
    [JsonPropertyName("echo")] public bool? Echo { get; set; }

    /// <summary>
    /// vLLM's extension: logprob tokens as <c>token_id:N</c>. Byte tokens of a split UTF-8 character all read "�", so
    /// keyed by text the top alternatives of a byte-level vocabulary collide; by id they stay apart.
    /// </summary>
    [JsonPropertyName("return_tokens_as_token_ids")] public bool? ReturnTokensAsTokenIds { get; set; }
}

/// <summary>POST /v1/chat/completions.</summary>
public sealed class ChatCompletionRequestDto : GenerationRequestDto
{
    [JsonPropertyName("messages")] public List<ChatMessageDto>? Messages { get; set; }
    [JsonPropertyName("max_completion_tokens")] public int? MaxCompletionTokens { get; set; }
    [JsonPropertyName("logprobs")] public bool? Logprobs { get; set; }
    [JsonPropertyName("top_logprobs")] public int? TopLogprobs { get; set; }
}

/// <summary>One chat message; <c>content</c> is a string or an array of <c>{"type":"text","text":...}</c> parts.</summary>
public sealed class ChatMessageDto
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("content")] public JsonElement Content { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
}
