using System.CommandLine;
using LlmOperator.Engine.Reference.Conversion;

namespace LlmOperator.Engine.Reference.Commands;

/// <summary><c>convert-gguf --model DIR --out FILE.gguf</c> (hidden): the checkpoint as a float32 GGUF for llama.cpp.</summary>
public static class ConvertGgufCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face checkpoint directory (config.json + safetensors).", Required = true };
        var output = new Option<string>("--out") { Description = "GGUF file to write.", Required = true };
        var command = new Command("convert-gguf", "Write a checkpoint as a float32 GGUF (llama or llama4) for llama.cpp.")
        {
            Hidden = true,
        };
        command.Options.Add(model);
        command.Options.Add(output);
        command.SetAction(result => CommandErrors.Run(() =>
        {
            string path = result.GetRequiredValue(output);
            var spec = CheckpointGgufConverter.Convert(result.GetRequiredValue(model), path);
            Console.WriteLine($"wrote {path}: {spec.ArchitectureName}, {spec.Layers} layers, vocab {spec.VocabSize}, " +
                              $"{new FileInfo(path).Length} bytes");
            return 0;
        }));
        return command;
    }
}
