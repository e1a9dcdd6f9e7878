namespace LlmOperator.Engine.Server;

/// <summary>
/// The prompt and max_tokens against maxModelLen, with vLLM's messages (vllm/entrypoints/openai/serving_engine.py,
/// <c>_validate_input</c>) so clients that parse them keep working. A missing max_tokens takes all the room left.
/// </summary>
public static class ContextLimits
{
    /// <param name="defaultMaxTokens">Used when the request names none, capped by the room left (null: all of it).</param>
    /// <returns>The max_tokens to use.</returns>
    public static int Check(int promptTokens, int? maxTokens, int maxModelLen, string maxTokensField, int? defaultMaxTokens)
    {
        if (promptTokens >= maxModelLen)
            throw OpenAiException.BadRequest(
                $"This model's maximum context length is {maxModelLen} tokens. However, you requested {promptTokens} tokens " +
                "in the messages, Please reduce the length of the messages.", "messages", "context_length_exceeded");
        if (maxTokens is { } requested)
        {
            if (requested < 1)
                throw OpenAiException.BadRequest($"{maxTokensField} must be at least 1, got {requested}.", maxTokensField);
            if ((long)promptTokens + requested > maxModelLen)
                throw OpenAiException.BadRequest(
                    $"This model's maximum context length is {maxModelLen} tokens. However, you requested " +
                    $"{(long)requested + promptTokens} tokens ({promptTokens} in the messages, {requested} in the completion). " +
                    "Please reduce the length of the messages or completion.", maxTokensField, "context_length_exceeded");
            return requested;
        }
        int room = maxModelLen - promptTokens;
        return defaultMaxTokens is { } d ? Math.Min(d, room) : room;
    }
}
