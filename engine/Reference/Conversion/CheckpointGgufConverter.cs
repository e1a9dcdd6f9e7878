using LlmOperator.Engine.Models;
using LlmOperator.Engine.Reference.Gguf;
using LlmOperator.Engine.Weights;
using TorchSharp;

namespace LlmOperator.Engine.Reference.Conversion;

/// <summary>
/// A Hugging Face checkpoint directory (config.json + safetensors) written as a float32 GGUF for llama.cpp, as
/// convert_hf_to_gguf.py would write it (see <see cref="LlamaGgufLayout"/>). Tensors of any stored dtype are read as
/// float32 through <see cref="Checkpoint"/>, one at a time.
/// </summary>
public static class CheckpointGgufConverter
{
    /// <summary>The spec of the model in <paramref name="modelDirectory"/>, checked against what llama.cpp can express.</summary>
    public static GgufModelSpec ReadSpec(string modelDirectory) =>
        LlamaCppCompatibility.ReadSpec(modelDirectory, ModelSource.Resolve(modelDirectory));

    public static GgufModelSpec Convert(string modelDirectory, string ggufPath)
    {
        var spec = ReadSpec(modelDirectory);
        using var checkpoint = Checkpoint.Open(modelDirectory);
        var (metadata, tensors) = LlamaGgufLayout.Build(spec, (name, shape) => ReadFloats(checkpoint, name, shape),
            Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))));
        string? directory = Path.GetDirectoryName(Path.GetFullPath(ggufPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        GgufWriter.Write(ggufPath, metadata, tensors);
        return spec;
    }

    private static float[] ReadFloats(Checkpoint checkpoint, string name, long[] shape)
    {
        using var scope = torch.NewDisposeScope();
        // (shape...) float32, row-major: the GGUF bytes, once the shape is reversed into GGML order.
        var tensor = checkpoint.Read(name, shape).contiguous();
        return tensor.data<float>().ToArray();
    }
}
