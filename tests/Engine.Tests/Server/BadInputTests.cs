using System.Net;
using System.Text.Json;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>Every bad input gets its documented status and an OpenAI error body, and the server keeps serving.</summary>
[Collection(InProcessServers.Name)]
public sealed class BadInputTests(InProcessServer server)
{
    public static TheoryData<string, string, int, string?, string?> Cases => new()
    {
        // path, body, status, error param, error code
        { "/v1/completions", "{\"prompt\": \"hi\", ", 400, null, "invalid_json" },
        { "/v1/completions", "not json at all", 400, null, "invalid_json" },
        { "/v1/completions", "null", 400, null, null },
        { "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": \"ten\"}", 400, "max_tokens", "invalid_type" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"temperature\": \"hot\"}", 400, "temperature", "invalid_type" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"stream\": 3}", 400, "stream", "invalid_type" },
        { "/v1/completions", "{\"prompt\": \"\"}", 400, "prompt", null },
        { "/v1/completions", "{\"prompt\": []}", 400, "prompt", null },
        { "/v1/completions", "{\"max_tokens\": 3}", 400, "prompt", "missing_required_parameter" },
        { "/v1/completions", "{\"prompt\": [1, 99999]}", 400, "prompt", null },
        { "/v1/completions", "{\"prompt\": [\"a\", \"b\"]}", 400, "prompt", null },
        { "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 0}", 400, "max_tokens", null },
        { "/v1/completions", "{\"prompt\": \"hi\", \"max_tokens\": 100000}", 400, "max_tokens", "context_length_exceeded" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"temperature\": 7}", 400, "temperature", null },
        { "/v1/completions", "{\"prompt\": \"hi\", \"n\": 2}", 400, "n", null },
        { "/v1/completions", "{\"prompt\": \"hi\", \"stop\": 5}", 400, "stop", "invalid_type" },
        { "/v1/completions", "{\"prompt\": \"hi\", \"model\": \"gpt-4o\"}", 404, "model", "model_not_found" },
        { "/v1/chat/completions", "{\"messages\": []}", 400, "messages", null },
        { "/v1/chat/completions", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}", 400, "messages[0].role", null },
        { "/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": 42}]}", 400, "messages[0].content", "invalid_type" },
        { "/v1/chat/completions", "{\"messages\": \"hello\"}", 400, "messages", "invalid_type" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Post_Should_AnswerWithAnOpenAiError_When_TheInputIsBad(string path, string body, int status, string? param, string? code)
    {
        using var response = await server.Http.PostJsonAsync(path, body);

        var error = await ErrorOf(response);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(status == 404 ? "invalid_request_error" : "invalid_request_error", error.GetProperty("type").GetString());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_Should_UseVllmsContextLengthMessage_When_ThePromptIsLongerThanMaxModelLen()
    {
        var prompt = Enumerable.Repeat(7, InProcessServer.MaxModelLen + 4).ToArray();

        using var tooLong = await server.Http.PostAsync("/v1/completions", new { prompt });
        const int asked = InProcessServer.MaxModelLen - 100;
        using var tooMuch = await server.Http.PostAsync("/v1/completions", new { prompt = prompt[..200], max_tokens = asked });

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal($"This model's maximum context length is {InProcessServer.MaxModelLen} tokens. However, you requested {InProcessServer.MaxModelLen + 4} tokens in the messages, Please reduce the length of the messages.",
            (await ErrorOf(tooLong)).GetProperty("message").GetString());
        Assert.Equal($"This model's maximum context length is {InProcessServer.MaxModelLen} tokens. However, you requested {InProcessServer.MaxModelLen + 100} tokens (200 in the messages, {asked} in the completion). Please reduce the length of the messages or completion.",
            (await ErrorOf(tooMuch)).GetProperty("message").GetString());
    }

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Object, body.ValueKind);
        return body.GetProperty("error");
    }

    private async Task AssertStillServingAsync()
    {
        using var ok = await server.Http.PostAsync("/v1/completions", new { prompt = "still there?", max_tokens = 2 });
        string body = await ok.Content.ReadAsStringAsync();
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"{(int)ok.StatusCode}: {body}");
    }
}
