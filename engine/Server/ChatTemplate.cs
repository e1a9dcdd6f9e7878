using System.Text;
using LlmOperator.Engine.Core;

namespace LlmOperator.Engine.Server;

/// <summary>One chat message after parsing: role and text content.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>
/// Renders chat messages into the prompt text. No maintained Jinja implementation is available to this project
/// (NuGet serves none), so the model's <c>tokenizer_config.json</c> template is not executed; instead the built-in
/// Llama 3 or Llama 4 format is chosen by the special tokens the tokenizer has: per message
/// <c>HEADER_START role HEADER_END \n\n content.strip() END_OF_TURN</c>, after BOS, then the assistant header. That is
/// the template make-model writes, and the core of Meta's templates (without their default system prompt).
/// </summary>
public sealed class ChatTemplate
{
    private static readonly ChatTemplate Llama4 = new("<|header_start|>", "<|header_end|>", "<|eot|>");
    private static readonly ChatTemplate Llama3 = new("<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    private readonly string _headerStart, _headerEnd, _endOfTurn;

    private ChatTemplate(string headerStart, string headerEnd, string endOfTurn) =>
        (_headerStart, _headerEnd, _endOfTurn) = (headerStart, headerEnd, endOfTurn);

    /// <summary>The format whose tokens the tokenizer defines; null when it has neither (no chat format known).</summary>
    public static ChatTemplate? For(EngineTokenizer tokenizer)
    {
        var specials = tokenizer.Text.SpecialTokens;
        if (specials.ContainsKey(Llama4._headerStart) && specials.ContainsKey(Llama4._endOfTurn)) return Llama4;
        if (specials.ContainsKey(Llama3._headerStart) && specials.ContainsKey(Llama3._endOfTurn)) return Llama3;
        return null;
    }

    public static bool IsKnownRole(string role) => Roles.Contains(role);

    /// <summary>The prompt text: BOS, every message, then the assistant header the model continues from.</summary>
    public string Render(IReadOnlyList<ChatMessage> messages, string? bosToken)
    {
        var text = new StringBuilder(bosToken ?? "");
        foreach (var message in messages)
            text.Append(_headerStart).Append(message.Role).Append(_headerEnd).Append("\n\n").Append(message.Content.Trim()).Append(_endOfTurn);
        return text.Append(_headerStart).Append("assistant").Append(_headerEnd).Append("\n\n").ToString();
    }
}
