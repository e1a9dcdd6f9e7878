using System.Text.Json.Serialization;
using LlmOperator.Engine.Hosting;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Server;

/// <summary><c>GET /v1/models</c> in OpenAI's list shape, with vLLM's <c>max_model_len</c> extension.</summary>
public static class ModelsEndpoint
{
    // OpenAI's "created" is a Unix time; the process start is the only honest one the engine has.
    private static readonly long Created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static void Map(IEndpointRouteBuilder app) => app.MapGet("/v1/models", List);

    private static ModelList List(ServeOptions options, ModelArchitecture model)
    {
        long maxModelLen = options.Settings.EffectiveMaxModelLen(model);
        return new ModelList(options.ServedModelNames
            .Select(name => new ModelCard(name, Created, "llmoperator", options.Model, maxModelLen))
            .ToList());
    }
}

public sealed record ModelList([property: JsonPropertyName("data")] IReadOnlyList<ModelCard> Data)
{
    [JsonPropertyName("object")] public string Object => "list";
}

public sealed record ModelCard(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("owned_by")] string OwnedBy,
    [property: JsonPropertyName("root")] string Root,
    [property: JsonPropertyName("max_model_len")] long MaxModelLen)
{
    [JsonPropertyName("object")] public string Object => "model";
}
