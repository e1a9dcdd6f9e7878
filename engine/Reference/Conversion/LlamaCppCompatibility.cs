using System.Text.Json;
using System.Text.Json.Nodes;
using LlmOperator.Rules.Architecture;

namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>
/// What a GGUF cannot say. llama.cpp's <c>llama4</c> support hard-codes parts of the architecture
/// (<c>llama_model_llama4::load_arch_hparams</c>): chunk size 8192, a NoPE layer every 4th layer, attention temperature
/// tuning with floor scale 8192 and scale 0.1, QK-norm unless the model has 128 experts. A model that differs would be
/// evaluated as a different model, so converting it is refused with the field and the value that differ, rather than
/// letting the oracle compare two different functions. Plain <c>llama</c> has no such constants; only its biases and
/// RoPE scaling are checked.
/// </summary>
public static class LlamaCppCompatibility
{
    public const int ChunkSize = 8192;
    public const int NoRopeLayerStep = 4;
    public const double FloorScale = 8192;
    public const double AttnScale = 0.1;
    public const int ExpertsWithoutQkNorm = 128;

    /// <summary>Reads <c>config.json</c> in <paramref name="modelDirectory"/> and returns the GGUF spec, or throws
    /// <see cref="ModelConfigException"/> naming what llama.cpp would evaluate differently.</summary>
    public static GgufModelSpec ReadSpec(string modelDirectory, ModelArchitecture architecture)
    {
        string path = Path.Combine(modelDirectory, "config.json");
        JsonObject text = ReadTextConfig(path);
        var problems = new List<string>();
        if (Bool(text, "attention_bias") == true) problems.Add("attention_bias is true; the converter writes no bias tensors");
        if (Bool(text, "mlp_bias") == true) problems.Add("mlp_bias is true; the converter writes no bias tensors");
        if (architecture.RopeScaling is { Type: not RopeFactors.Llama3 } scaling)
            problems.Add($"rope_scaling type '{scaling.Type}' is not converted (only '{RopeFactors.Llama3}' or none)");

        int step = Int(text, "interleave_moe_layer_step") ?? 1;
        if (architecture.Family == ModelFamily.Llama4)
            CheckLlama4(text, architecture, step, problems);
        if (problems.Count > 0)
            throw new ModelConfigException(
                $"{path}: llama.cpp would evaluate a different model than this config describes:\n  - " + string.Join("\n  - ", problems));
        return GgufModelSpec.From(architecture, step);
    }

    private static void CheckLlama4(JsonObject text, ModelArchitecture a, int step, List<string> problems)
    {
        if (a.NumExperts <= 0)
            problems.Add("num_local_experts is 0; llama.cpp's llama4 loader refuses a model without experts");
        if (a.AttentionChunkSize != ChunkSize)
            problems.Add($"attention_chunk_size is {a.AttentionChunkSize?.ToString() ?? "absent"}; llama.cpp fixes it at {ChunkSize} " +
                         $"(make the model with --attention-chunk-size {ChunkSize})");
        int[] noRope = IntArray(text, "no_rope_layers")
            ?? [.. Enumerable.Range(0, a.NumLayers).Select(i => (i + 1) % (Int(text, "no_rope_layer_interval") ?? 4) != 0 ? 1 : 0)];
        int[] expected = [.. Enumerable.Range(0, a.NumLayers).Select(i => (i + 1) % NoRopeLayerStep != 0 ? 1 : 0)];
        if (!noRope.SequenceEqual(expected))
            problems.Add($"no_rope_layers is [{string.Join(", ", noRope)}]; llama.cpp makes every {NoRopeLayerStep}th layer NoPE: [{string.Join(", ", expected)}]");
        if (IntArray(text, "moe_layers") is { } moe && !moe.SequenceEqual(Enumerable.Range(0, a.NumLayers).Where(i => (i + 1) % step == 0)))
            problems.Add($"moe_layers [{string.Join(", ", moe)}] is not every {step}th layer (interleave_moe_layer_step), the only pattern GGUF can say");
        if (Bool(text, "attn_temperature_tuning") == false)
            problems.Add("attn_temperature_tuning is off; llama.cpp always scales NoPE queries");
        if (Double(text, "floor_scale") is { } floor && floor != FloorScale)
            problems.Add($"floor_scale is {floor}; llama.cpp fixes it at {FloorScale}");
        if (Double(text, "attn_scale") is { } scale && Math.Abs(scale - AttnScale) > 1e-12)
            problems.Add($"attn_scale is {scale}; llama.cpp fixes it at {AttnScale}");
        bool llamaCppQkNorm = a.NumExperts != ExpertsWithoutQkNorm;
        if (a.UseQkNorm != llamaCppQkNorm)
            problems.Add($"use_qk_norm is {a.UseQkNorm.ToString().ToLowerInvariant()}; llama.cpp infers {llamaCppQkNorm.ToString().ToLowerInvariant()} " +
                         $"from {a.NumExperts} experts (off only for {ExpertsWithoutQkNorm})");
    }

    private static JsonObject ReadTextConfig(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new ModelConfigException($"{path}: config.json must be a JSON object.");
            return root["text_config"] as JsonObject ?? root;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new ModelConfigException($"{path}: cannot be read: {e.Message}");
        }
    }

    private static int? Int(JsonObject o, string field) => Read(o, field, n => n.GetValue<int>());
    private static double? Double(JsonObject o, string field) => Read(o, field, n => n.GetValue<double>());

    /// <summary>Llama-4 configs also write truthy numbers (Scout's <c>attn_temperature_tuning: 4</c>).</summary>
    private static bool? Bool(JsonObject o, string field) => Read(o, field, n => n.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => n.GetValue<double>() != 0,
    });

    private static int[]? IntArray(JsonObject o, string field) => o[field] is JsonArray array
        ? [.. array.Select((n, i) => n?.GetValue<int>() ?? throw new ModelConfigException($"config.json: {field}[{i}] is null."))]
        : null;

    private static T? Read<T>(JsonObject o, string field, Func<JsonNode, T> read) where T : struct
    {
        if (o[field] is not { } node) return null;
        try
        {
            return read(node);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelConfigException($"config.json: field '{field}' has the wrong type ({node.ToJsonString()}).");
        }
    }
}
