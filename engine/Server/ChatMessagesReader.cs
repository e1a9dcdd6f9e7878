using System.Text;
using System.Text.Json;
using LlmOperator.Engine.Server.Dtos;

namespace LlmOperator.Engine.Server;

/// <summary>
/// <c>messages</c> → <see cref="ChatMessage"/>s: at least one, each with a known role and text content (a string or
/// an array of <c>{"type":"text","text":...}</c> parts; other part types such as images are refused).
/// </summary>
public static class ChatMessagesReader
{
    public static IReadOnlyList<ChatMessage> Read(List<ChatMessageDto>? messages)
    {
        if (messages is null)
            throw OpenAiException.BadRequest("messages is required.", "messages", "missing_required_parameter");
        if (messages.Count == 0)
            throw OpenAiException.BadRequest("messages must hold at least one message.", "messages");
        return messages.Select((m, i) => Read(m, i)).ToList();
    }

    private static ChatMessage Read(ChatMessageDto message, int index)
    {
        string field = $"messages[{index}]";
        if (message.Role is not { } role || !ChatTemplate.IsKnownRole(role))
            throw OpenAiException.BadRequest(
                $"{field}.role must be one of system, developer, user, assistant, tool; got {(message.Role is null ? "nothing" : $"'{message.Role}'")}.",
                $"{field}.role");
        return new ChatMessage(role, Content(message.Content, $"{field}.content"));
    }

    private static string Content(JsonElement content, string field)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                        throw OpenAiException.BadRequest($"{field}: each part must be an object with a \"type\".", field, "invalid_type");
                    if (type.GetString() != "text" || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                        throw OpenAiException.BadRequest($"{field}: only {{\"type\": \"text\", \"text\": \"...\"}} parts are supported (got type '{type.GetString()}').", field);
                    text.Append(partText.GetString());
                }
                return text.ToString();
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return "";
            default:
                throw OpenAiException.BadRequest($"{field} must be a string or an array of text parts.", field, "invalid_type");
        }
    }
}
