using System.CommandLine;
using LlmOperator.Operator.Crds;

namespace LlmOperator.Operator.Cli;

/// <summary><c>crds [--output-dir DIR]</c>: writes the CRD generated from the C# API types (or prints it).</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var dir = new Option<string?>("--output-dir") { Description = "Folder to write the CRD file into (e.g. crds); stdout when omitted." };
        var command = new Command("crds", "Generate the ModelDeployment CustomResourceDefinition from the API types.") { dir };
        command.SetAction(parse =>
        {
            string yaml = CrdGenerator.GenerateYaml();
            if (parse.GetValue(dir) is not { } folder)
            {
                Console.Out.Write(yaml);
                return 0;
            }
            Directory.CreateDirectory(folder);
            string path = Path.Combine(folder, CrdGenerator.FileName);
            File.WriteAllText(path, yaml);
            Console.Out.WriteLine($"wrote {path}");
            return 0;
        });
        return command;
    }
}
