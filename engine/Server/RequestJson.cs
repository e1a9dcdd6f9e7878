using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmOperator.Engine.Server;

/// <summary>
/// Reads a request body into its DTO and turns every JSON problem into a 400 that names the field: malformed JSON
/// (with its line and byte position), a field of the wrong type, a body that is not an object.
/// </summary>
public static class RequestJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.Strict,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken cancellation) where T : class
    {
        T? value;
        try
        {
            value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, cancellation);
        }
        catch (JsonException e)
        {
            throw Describe(e);
        }
        return value ?? throw OpenAiException.BadRequest("The request body must be a JSON object, not null.");
    }

    private static OpenAiException Describe(JsonException e)
    {
        string? field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        bool wrongType = e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal);
        if (field is not null && wrongType)
            return OpenAiException.BadRequest($"Invalid type for '{field}': {ExpectedType(e.Message)}.", field, "invalid_type");
        string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
        return OpenAiException.BadRequest(
            $"The request body is not valid JSON{where}: {FirstSentence(e.Message)} Send a JSON object such as " +
            "{\"model\": \"...\", \"prompt\": \"...\"}.", field, "invalid_json");
    }

    /// <summary>"could not be converted to System.Nullable`1[System.Int32]" → "expected an integer".</summary>
    private static string ExpectedType(string message) => message switch
    {
        _ when message.Contains("Int32") || message.Contains("Int64") => "expected an integer",
        _ when message.Contains("Double") => "expected a number",
        _ when message.Contains("Boolean") => "expected true or false",
        _ when message.Contains("String") => "expected a string",
        _ when message.Contains("List`1") => "expected an array",
        _ => "expected an object",
    };

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
