using System.Text.Json;
using LlmOperator.Engine.Core;

namespace LlmOperator.Engine.Server;

/// <summary>
/// A completion's <c>prompt</c> → token ids: a string (encoded with BOS, as vLLM's tokenizer call adds special
/// tokens), a one-string array, an array of token ids, or a one-element array of token-id arrays. Batches of
/// prompts are refused (one choice per request), as are empty prompts and ids outside the vocabulary.
/// </summary>
public static class PromptReader
{
    public static IReadOnlyList<int> Read(JsonElement prompt, EngineTokenizer tokenizer, int vocabSize)
    {
        var ids = prompt.ValueKind switch
        {
            JsonValueKind.String => Text(prompt.GetString()!, tokenizer),
            JsonValueKind.Array => FromArray(prompt, tokenizer),
            JsonValueKind.Undefined or JsonValueKind.Null => throw OpenAiException.BadRequest("prompt is required.", "prompt", "missing_required_parameter"),
            _ => throw OpenAiException.BadRequest("prompt must be a string, an array of strings, or an array of token ids.", "prompt", "invalid_type"),
        };
        foreach (int id in ids)
            if (id < 0 || id >= vocabSize)
                throw OpenAiException.BadRequest($"Token id {id} in prompt is out of vocabulary [0, {vocabSize}).", "prompt");
        return ids;
    }

    private static IReadOnlyList<int> FromArray(JsonElement array, EngineTokenizer tokenizer)
    {
        var items = array.EnumerateArray().ToList();
        if (items.Count == 0)
            throw OpenAiException.BadRequest("prompt must not be empty.", "prompt");
        if (items.All(i => i.ValueKind == JsonValueKind.Number))
            return items.Select(i => i.TryGetInt32(out int id) ? id : throw NotAnId(i)).ToList();
        if (items.Count > 1)
            throw OpenAiException.BadRequest(
                $"prompt holds {items.Count} prompts; this engine answers one per request (n = 1). Send one request per prompt.", "prompt");
        return items[0].ValueKind switch
        {
            JsonValueKind.String => Text(items[0].GetString()!, tokenizer),
            JsonValueKind.Array => FromArray(items[0], tokenizer),
            _ => throw OpenAiException.BadRequest("prompt must be a string, an array of strings, or an array of token ids.", "prompt", "invalid_type"),
        };
    }

    private static IReadOnlyList<int> Text(string text, EngineTokenizer tokenizer)
    {
        if (text.Length == 0)
            throw OpenAiException.BadRequest("prompt must not be empty.", "prompt");
        return tokenizer.Text.Encode(text, addBos: true);
    }

    private static OpenAiException NotAnId(JsonElement e) =>
        OpenAiException.BadRequest($"prompt token ids must be integers; {e.GetRawText()} is not.", "prompt", "invalid_type");
}
