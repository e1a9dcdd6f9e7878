using System.Text;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Server.Dtos;

namespace LlmOperator.Engine.Server;

/// <summary>
/// <c>POST /v1/chat/completions</c>: messages rendered by the <see cref="ChatTemplate"/>, then generation; whole, or
/// streamed as <c>chat.completion.chunk</c>s (a first chunk with the assistant role, content deltas, a last chunk
/// with the finish reason, optionally a usage chunk) ending in <c>data: [DONE]</c>.
/// </summary>
public static class ChatCompletionsEndpoint
{
    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/chat/completions", HandleAsync);

    private static async Task HandleAsync(HttpContext context, GenerationService service)
    {
        var dto = await RequestJson.ReadAsync<ChatCompletionRequestDto>(context.Request, context.RequestAborted);
        string model = service.ResolveModel(dto.Model);
        var messages = ChatMessagesReader.Read(dto.Messages);
        var engine = service.Engine;
        var template = ChatTemplate.For(engine.Tokenizer) ?? throw new OpenAiException(StatusCodes.Status400BadRequest,
            "This model's tokenizer has no Llama 3 or Llama 4 chat tokens, so chat is not available; use /v1/completions.",
            "invalid_request_error", "chat_template_unavailable");
        string? bos = engine.Tokenizer.Text.BosTokenId is { } b ? engine.Tokenizer.TokenText(b) : null;
        var prompt = engine.Tokenizer.Text.Encode(template.Render(messages, bos), addBos: false);
        string field = dto.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        int maxTokens = ContextLimits.Check(prompt.Length, dto.MaxCompletionTokens ?? dto.MaxTokens, engine.Limits.MaxModelLen, field, null);
        int? logprobs = dto.Logprobs == true ? dto.TopLogprobs ?? 0 : null;
        if (dto.TopLogprobs is not null && dto.Logprobs != true)
            throw OpenAiException.BadRequest("top_logprobs needs logprobs: true.", "top_logprobs");
        var sampling = SamplingReader.Read(dto, maxTokens, logprobs);
        string id = $"chatcmpl-{Guid.NewGuid():N}";
        long created = GenerationService.Now;
        var stream = service.Submit(id, prompt, sampling, context);

        if (dto.IsStream)
        {
            bool first = true;
            var usage = new UsageDto(prompt.Length, 0);
            await ServerSentEvents.StreamAsync(context, stream, output =>
            {
                usage = new UsageDto(output.NumPromptTokens, output.NumOutputTokens);
                var chunks = Chunks(id, created, model, output, first, logprobs is not null);
                first = false;
                return chunks;
            }, () => dto.IncludeUsageInStream ? new ChatCompletionChunkDto(id, created, model, [], usage) : null);
            return;
        }

        var result = await CollectedOutput.CollectAsync(stream, context.RequestAborted);
        var choice = new ChatChoiceDto(0, new ChatMessageOutDto("assistant", result.Text),
            logprobs is null ? null : Logprobs(result.Logprobs), CollectedOutput.Name(result.FinishReason) ?? "abort");
        await Results.Json(new ChatCompletionResponseDto(id, created, model, [choice], result.Usage)).ExecuteAsync(context);
    }

    /// <summary>The role chunk first (as OpenAI sends it), then the delta; the finish reason rides on a chunk of its own.</summary>
    private static List<object> Chunks(string id, long created, string model, RequestOutput output, bool first, bool withLogprobs)
    {
        var chunks = new List<object>();
        if (first)
            chunks.Add(new ChatCompletionChunkDto(id, created, model, [new ChatChunkChoiceDto(0, new ChatDeltaDto("assistant", ""), null, null)], null));
        if (output.TextDelta.Length > 0 || output.Logprobs.Count > 0)
            chunks.Add(new ChatCompletionChunkDto(id, created, model,
                [new ChatChunkChoiceDto(0, new ChatDeltaDto(null, output.TextDelta), withLogprobs ? Logprobs(output.Logprobs) : null, null)], null));
        if (CollectedOutput.Name(output.FinishReason) is { } reason)
            chunks.Add(new ChatCompletionChunkDto(id, created, model, [new ChatChunkChoiceDto(0, new ChatDeltaDto(null, null), null, reason)], null));
        return chunks;
    }

    private static ChatLogprobsDto Logprobs(IReadOnlyList<ChosenTokenLogprob> chosen) => new(chosen.Select(c =>
        new ChatTokenLogprobDto(c.Chosen.Token, c.Chosen.Logprob, Bytes(c.Chosen.Token),
            c.Top.Select(t => new ChatTopLogprobDto(t.Token, t.Logprob, Bytes(t.Token))).ToList())).ToList());

    private static IReadOnlyList<int> Bytes(string token) => Encoding.UTF8.GetBytes(token).Select(b => (int)b).ToList();
}
