using System.Text.Json;
using System.Text.Json.Serialization;
using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Devices;
using LlmOperator.Engine.Execution;
using LlmOperator.Engine.Hosting;
using LlmOperator.Engine.Models;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Parallelism;
using LlmOperator.Engine.Tokenization;
using LlmOperator.Engine.Weights;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Contract;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;
using TorchSharp;

namespace LlmOperator.Engine.Generation;

/// <summary>
/// <c>generate</c>'s action under the engine's process contract: the start-up rules first (exactly as <c>serve</c>),
/// then the request against the settings, then load, run and print. Every refusal exits with its
/// <see cref="FailureClass"/> code and writes a termination message: rules → InvalidSettings, unreadable model →
/// ModelLoad, a prompt that does not fit or ids outside the vocabulary → Usage, CUDA failures → their GPU class.
/// </summary>
public static class GenerateRunner
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(GenerateOptions options, TextWriter stdout, TextWriter stderr)
    {
        var asServe = new ServeOptions
        {
            Model = options.Model,
            Settings = options.Settings,
            ServedModelNames = [options.Model],
            TerminationLogPath = options.TerminationLogPath,
        };
        if (!StartupValidator.TryValidate(asServe, out var architecture, out int exitCode, notes: stderr))
            return exitCode;
        try
        {
            var output = Generate(options, architecture);
            stdout.WriteLine(JsonSerializer.Serialize(output, Json));
            return 0;
        }
        catch (Exception e) when (e is ModelConfigException or CheckpointException)
        {
            return Fail(options, stderr, FailureClass.ModelLoad, "model-load", Fields.Model, e.Message);
        }
        catch (GenerateRequestException e)
        {
            return Fail(options, stderr, FailureClass.Usage, e.Id, e.Flag, e.Message);
        }
        catch (Exception e) when (CudaFailureText.Classify(e.ToString()) is { } gpuFailure)
        {
            return Fail(options, stderr, gpuFailure, "gpu", "device", e.Message);
        }
    }

    private static GenerateOutput Generate(GenerateOptions options, ModelArchitecture architecture)
    {
        string directory = ModelSource.CheckpointDirectory(options.Model) ?? throw new ModelConfigException(
            $"{options.Model}: generate needs a checkpoint directory (config.json, safetensors, tokenizer.json) or a model in " +
            $"the Hugging Face cache ({ModelSource.CacheNote(options.Model)}).");
        var config = ModelConfig.Load(directory);
        var tokenizer = options.Prompt is not null || File.Exists(Path.Combine(directory, TextTokenizer.TokenizerFile))
            ? TextTokenizer.Load(directory)
            : null;
        var prompt = options.Prompt is { } text ? tokenizer!.Encode(text, addBos: true) : options.TokenIds!.ToArray();
        GenerateRequestChecks.Check(prompt, options.MaxTokens, options.Settings.EffectiveMaxModelLen(architecture), architecture, config.VocabSize);

        using var checkpoint = Checkpoint.Open(directory);
        var device = DeviceSelector.Select();
        var dtype = ScalarTypeOf(Dtypes.Resolve(options.Settings.Dtype, architecture.TorchDtype));
        var group = TensorParallelGroup.Create(device.Device, options.Settings.TensorParallelSize);
        using var model = new CausalLm(config, checkpoint.Read, group, dtype);
        int blockSize = options.Settings.BlockSize;
        int blocks = (prompt.Length + options.MaxTokens + blockSize - 1) / blockSize;
        using var runner = new ModelRunner(model, blocks, blockSize, dtype);
        var stop = options.IgnoreEos || tokenizer is null ? new HashSet<int>() : tokenizer.EosTokenIds.ToHashSet();
        var result = GreedyGeneration.Run(runner, new GenerationRequest(prompt, options.MaxTokens,
            options.Settings.EffectiveMaxNumBatchedTokens, stop, CollectLogits: options.DumpLogitsPath is not null));

        if (options.DumpLogitsPath is { } path)
            Npy.WriteFloat32(path, result.Logits!, [result.LogitRows, result.Vocab]);
        return new GenerateOutput(prompt, result.TokenIds, tokenizer?.Decode(result.TokenIds));
    }

    private static torch.ScalarType ScalarTypeOf(string resolved) => resolved switch
    {
        "float32" => torch.ScalarType.Float32,
        "float16" => torch.ScalarType.Float16,
        _ => torch.ScalarType.BFloat16,
    };

    private static int Fail(GenerateOptions options, TextWriter stderr, FailureClass failureClass, string id, string field, string message)
    {
        stderr.WriteLine($"error [{id}] {Fields.FlagFor(field)}: {message}");
        var settings = SettingsSnapshot.Of(options.Model, options.Settings);
        TerminationLog.Write(options.TerminationLogPath, TerminationMessage.For(failureClass, $"[{id}] {message}", settings));
        return (int)failureClass;
    }
}

/// <summary>What <c>generate</c> prints.</summary>
public sealed record GenerateOutput(
    [property: JsonPropertyName("prompt_token_ids")] IReadOnlyList<int> PromptTokenIds,
    [property: JsonPropertyName("token_ids")] IReadOnlyList<int> TokenIds,
    [property: JsonPropertyName("text")] string? Text);
