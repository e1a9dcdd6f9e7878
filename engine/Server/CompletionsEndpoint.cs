using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Server.Dtos;

namespace LlmOperator.Engine.Server;

/// <summary><c>POST /v1/completions</c>: OpenAI's legacy text completion, whole or streamed as SSE chunks.</summary>
public static class CompletionsEndpoint
{
    /// <summary>OpenAI's and vLLM's default max_tokens for completions.</summary>
    public const int DefaultMaxTokens = 16;

    public static void Map(IEndpointRouteBuilder app) => app.MapPost("/v1/completions", HandleAsync);

    private static async Task HandleAsync(HttpContext context, GenerationService service)
    {
        var dto = await RequestJson.ReadAsync<CompletionRequestDto>(context.Request, context.RequestAborted);
        string model = service.ResolveModel(dto.Model);
        if (dto.Echo == true)
            throw OpenAiException.BadRequest("echo is not supported by this engine; send false or omit it.", "echo");
        var engine = service.Engine;
        var prompt = PromptReader.Read(dto.Prompt, engine.Tokenizer, engine.Limits.VocabSize);
        int maxTokens = ContextLimits.Check(prompt.Count, dto.MaxTokens, engine.Limits.MaxModelLen, "max_tokens", DefaultMaxTokens);
        var sampling = SamplingReader.Read(dto, maxTokens, dto.Logprobs);
        string id = $"cmpl-{Guid.NewGuid():N}";
        long created = GenerationService.Now;
        var stream = service.Submit(id, prompt, sampling, context);
        bool asIds = dto.ReturnTokensAsTokenIds == true;

        if (dto.IsStream)
        {
            int offset = 0, promptTokens = 0, completionTokens = 0;
            await ServerSentEvents.StreamAsync(context, stream, output =>
            {
                (promptTokens, completionTokens) = (output.NumPromptTokens, output.NumOutputTokens);
                var logprobs = dto.Logprobs is null ? null : Logprobs(output.Logprobs, ref offset, asIds);
                var choice = new CompletionChoiceDto(0, output.TextDelta, logprobs, CollectedOutput.Name(output.FinishReason));
                return [new CompletionResponseDto(id, created, model, [choice], null)];
            }, () => dto.IncludeUsageInStream ? new CompletionResponseDto(id, created, model, [], new UsageDto(promptTokens, completionTokens)) : null);
            return;
        }

        var result = await CollectedOutput.CollectAsync(stream, context.RequestAborted);
        int start = 0;
        var whole = new CompletionChoiceDto(0, result.Text, dto.Logprobs is null ? null : Logprobs(result.Logprobs, ref start, asIds),
            CollectedOutput.Name(result.FinishReason));
        await Results.Json(new CompletionResponseDto(id, created, model, [whole], result.Usage)).ExecuteAsync(context);
    }

    /// <summary>Parallel token lists; <paramref name="offset"/> is the running character offset of each token in the text.</summary>
    private static CompletionLogprobsDto Logprobs(IReadOnlyList<ChosenTokenLogprob> chosen, ref int offset, bool asIds)
    {
        string Name(TokenLogprob t) => asIds ? $"token_id:{t.TokenId}" : t.Token;
        var offsets = new List<int>(chosen.Count);
        foreach (var c in chosen)
        {
            offsets.Add(offset);
            offset += c.Chosen.Token.Length;
        }
        return new CompletionLogprobsDto(
            chosen.Select(c => Name(c.Chosen)).ToList(),
            chosen.Select(c => c.Chosen.Logprob).ToList(),
            chosen.Select(c => c.Top.GroupBy(Name).ToDictionary(g => g.Key, g => g.First().Logprob)).ToList(),
            offsets);
    }
}
