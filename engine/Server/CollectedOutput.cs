using System.Text;
using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Server.Dtos;

namespace LlmOperator.Engine.Server;

/// <summary>A whole (non-streamed) result: the text, the chosen tokens' logprobs, the counts and why it ended.</summary>
public sealed class CollectedOutput
{
    private readonly StringBuilder _text = new();
    private readonly List<ChosenTokenLogprob> _logprobs = [];

    public string Text => _text.ToString();

    public IReadOnlyList<ChosenTokenLogprob> Logprobs => _logprobs;

    public int PromptTokens { get; private set; }

    public int CompletionTokens { get; private set; }

    public FinishReason? FinishReason { get; private set; }

    public UsageDto Usage => new(PromptTokens, CompletionTokens);

    /// <summary>Reads the stream to its end; engine failures propagate (the failure handler answers 500).</summary>
    public static async Task<CollectedOutput> CollectAsync(RequestStream stream, CancellationToken cancellation)
    {
        var collected = new CollectedOutput();
        await foreach (var output in stream.ReadAllAsync(cancellation))
            collected.Add(output);
        return collected;
    }

    public void Add(RequestOutput output)
    {
        _text.Append(output.TextDelta);
        _logprobs.AddRange(output.Logprobs);
        PromptTokens = output.NumPromptTokens;
        CompletionTokens = output.NumOutputTokens;
        FinishReason = output.FinishReason ?? FinishReason;
    }

    /// <summary>OpenAI's finish_reason: "stop" (EOS, stop token or string) or "length" (max_tokens, maxModelLen).</summary>
    public static string? Name(FinishReason? reason) => reason switch
    {
        Core.Requests.FinishReason.Stop => "stop",
        Core.Requests.FinishReason.Length => "length",
        Core.Requests.FinishReason.Aborted => "abort",
        _ => null,
    };
}
