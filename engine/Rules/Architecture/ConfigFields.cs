using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Rules.Architecture;

/// <summary>Typed access to config.json fields with errors that name the source and the field.</summary>
internal sealed class ConfigFields(string source, JsonObject text, JsonObject root)
{
    public string Source => source;

    public int Int(string field) => OptionalInt(field)
        ?? throw new ModelConfigException($"{source}: required field '{field}' is missing from config.json.");

    public int? OptionalInt(string field) => Get(field, n => n.GetValue<int>(), "an integer");

    public double? OptionalDouble(string field) => Get(field, n => n.GetValue<double>(), "a number");

    public string? String(string field) => Get(field, n => n.GetValue<string>(), "a string");

    /// <summary>Booleans; Llama 4 configs also write truthy numbers (Scout's <c>attn_temperature_tuning: 4</c>).</summary>
    public bool? OptionalBool(string field) => Get(field, n => n.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => n.GetValue<double>() != 0,
    }, "a boolean");

    public int[]? IntArray(string field) => Lookup(field) switch
    {
        null => null,
        JsonArray a => a.Select((n, i) => n is null
            ? throw new ModelConfigException($"{source}: field '{field}[{i}]' must be an integer, found null.")
            : Convert($"{field}[{i}]", n, x => x.GetValue<int>(), "an integer")).ToArray(),
        _ => throw new ModelConfigException($"{source}: field '{field}' must be an array of integers."),
    };

    public RopeScaling? RopeScaling()
    {
        if (Lookup("rope_scaling") is not JsonObject r) return null;
        try
        {
            string type = r["rope_type"]?.GetValue<string>() ?? r["type"]?.GetValue<string>() ?? "default";
            if (type == "default") return null;
            return new RopeScaling(
                type,
                r["factor"]?.GetValue<double>() ?? 1,
                r["low_freq_factor"]?.GetValue<double>() ?? 1,
                r["high_freq_factor"]?.GetValue<double>() ?? 4,
                r["original_max_position_embeddings"]?.GetValue<int>() ?? 8192);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelConfigException($"{source}: field 'rope_scaling' is malformed ({r.ToJsonString()}): {e.Message}");
        }
    }

    private JsonNode? Lookup(string field) => text[field] ?? root[field];

    private T? Get<T>(string field, Func<JsonNode, T> read, string kind) where T : struct =>
        Lookup(field) is { } node ? Convert(field, node, read, kind) : null;

    private string? Get(string field, Func<JsonNode, string> read, string kind) =>
        Lookup(field) is { } node ? Convert(field, node, read, kind) : null;

    private T Convert<T>(string field, JsonNode node, Func<JsonNode, T> read, string kind)
    {
        try
        {
            return read(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelConfigException($"{source}: field '{field}' must be {kind}, found {node.ToJsonString()}.");
        }
    }
}
