using System.ClientModel;
using System.Diagnostics;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>The official OpenAI .NET SDK and curl against the real server on loopback.</summary>
[Collection(InProcessServers.Name)]
public sealed class OpenAiClientTests(InProcessServer server)
{
    private ChatClient Chat => new(server.ModelName, new ApiKeyCredential("unused"),
        new OpenAIClientOptions { Endpoint = new Uri(server.BaseAddress, "/v1") });

    [Fact]
    public async Task CompleteChat_Should_ReturnTheAssistantMessageAndUsage_When_TheSdkAsks()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 6, Temperature = 0 };

        ChatCompletion completion = await Chat.CompleteChatAsync([new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")], options);

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal(server.ModelName, completion.Model);
        Assert.True(completion.Usage.InputTokenCount > 10, $"the chat template adds headers: {completion.Usage.InputTokenCount}");
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 6);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }

    [Fact]
    public async Task CompleteChatStreaming_Should_StreamTheSameTextAsTheWholeAnswer_When_Greedy()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 12, Temperature = 0 };
        ChatMessage[] messages = [new UserChatMessage("Tell me about the sea")];
        ChatCompletion whole = await Chat.CompleteChatAsync(messages, options);

        var streamed = new StringBuilder();
        ChatFinishReason? finish = null;
        int updates = 0;
        await foreach (var update in Chat.CompleteChatStreamingAsync(messages, options))
        {
            updates++;
            foreach (var part in update.ContentUpdate) streamed.Append(part.Text);
            finish ??= update.FinishReason;
        }

        Assert.Equal(whole.Content.Count == 0 ? "" : whole.Content[0].Text, streamed.ToString());
        Assert.Equal(whole.FinishReason, finish);
        Assert.True(updates >= 2, "a role chunk and at least one more");
    }

    [Fact]
    public async Task Completion_Should_ReturnATextCompletionWithUsage_When_APromptIsPosted()
    {
        // OpenAI SDK 2.15 has no public method for the legacy /v1/completions, so this one is plain HTTP.
        using var response = await server.Http.PostAsync("/v1/completions", new { model = server.ModelName, prompt = "Once upon a time", max_tokens = 5, temperature = 0, ignore_eos = true, logprobs = 2 });

        var body = await response.JsonAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, choice.GetProperty("logprobs").GetProperty("token_logprobs").GetArrayLength());
        Assert.All(choice.GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray(), lp => Assert.True(lp.GetDouble() <= 0));
        Assert.Equal(2, choice.GetProperty("logprobs").GetProperty("top_logprobs")[0].EnumerateObject().Count());
        Assert.Equal(5, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completion_Should_NameLogprobTokensById_When_ReturnTokensAsTokenIdsIsSet()
    {
        var prompt = new[] { 11, 12, 13 };
        using var byText = await server.Http.PostAsync("/v1/completions", new { prompt, max_tokens = 3, temperature = 0, ignore_eos = true, logprobs = 3 });
        using var byId = await server.Http.PostAsync("/v1/completions", new { prompt, max_tokens = 3, temperature = 0, ignore_eos = true, logprobs = 3, return_tokens_as_token_ids = true });

        var text = (await byText.JsonAsync()).GetProperty("choices")[0].GetProperty("logprobs");
        var ids = (await byId.JsonAsync()).GetProperty("choices")[0].GetProperty("logprobs");
        Assert.All(ids.GetProperty("tokens").EnumerateArray(), t => Assert.Matches("^token_id:[0-9]+$", t.GetString()));
        Assert.All(ids.GetProperty("top_logprobs").EnumerateArray(), top => Assert.Equal(3, top.EnumerateObject().Count()));
        Assert.Equal(text.GetProperty("token_logprobs").ToString(), ids.GetProperty("token_logprobs").ToString());
    }

    [Fact]
    public async Task Curl_Should_ShowServerSentEventFraming_When_StreamingWithNoBuffer()
    {
        string body = System.Text.Json.JsonSerializer.Serialize(new
        {
            model = server.ModelName, prompt = "abc", max_tokens = 4, stream = true, ignore_eos = true, stream_options = new { include_usage = true },
        });
        var curl = Process.Start(new ProcessStartInfo("curl", ["-N", "-s", "-i", "-H", "Content-Type: application/json", "-d", body, new Uri(server.BaseAddress, "/v1/completions").ToString()])
        {
            RedirectStandardOutput = true,
        })!;
        string output = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync();

        Assert.Equal(0, curl.ExitCode);
        var (headers, events) = (output[..output.IndexOf("\r\n\r\n", StringComparison.Ordinal)], output[(output.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        Assert.Contains("Content-Type: text/event-stream", headers);
        var frames = events.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(frames, f => Assert.StartsWith("data: ", f));
        Assert.Equal("data: [DONE]", frames[^1]);
        Assert.EndsWith("data: [DONE]\n\n", events);
        Assert.Equal(4 + 1 + 1, frames.Length);                       // 4 tokens, the usage chunk, [DONE]
        Assert.Contains("\"completion_tokens\":4", frames[^2]);
        Assert.Contains("\"finish_reason\":\"length\"", frames[^3]);
    }
}
