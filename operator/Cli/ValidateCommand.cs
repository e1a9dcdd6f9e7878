using System.CommandLine;
using LlmOperator.Operator.Validation;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Cli;

/// <summary>
/// <c>validate -f FILE_OR_DIR... [-o text|json]</c>: the offline check a GitOps pipeline runs before merge.
/// Exit codes: 0 all valid, 1 a resource has an error, 2 unreadable input (bad YAML, wrong kind, missing file).
/// </summary>
internal static class ValidateCommand
{
    public const int Valid = 0, Invalid = 1, Unreadable = 2;

    public static Command Create()
    {
        var files = new Option<string[]>("--filename", "-f")
        {
            Description = "ModelDeployment manifests: files (multi-document YAML allowed) or folders.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--output", "-o") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        output.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Validate ModelDeployment manifests against the CRD schema and the engine's rules.")
        {
            files, output,
        };
        command.SetAction(parse => Run(parse.GetValue(files)!, parse.GetValue(output)!, Console.Out, Console.Error));
        return command;
    }

    public static int Run(IEnumerable<string> paths, string output, TextWriter stdout, TextWriter stderr)
    {
        IReadOnlyList<ResourceResult> results;
        try
        {
            results = ManifestValidator.Validate(ManifestReader.Read(paths));
        }
        catch (ManifestException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return Unreadable;
        }
        if (results.Count == 0)
        {
            stderr.WriteLine($"error: no ModelDeployment found in {string.Join(", ", paths)}.");
            return Unreadable;
        }
        stdout.WriteLine(output == "json" ? ManifestValidator.ToJson(results) : ToText(results));
        return results.All(r => r.IsValid) ? Valid : Invalid;
    }

    private static string ToText(IReadOnlyList<ResourceResult> results)
    {
        var text = new System.Text.StringBuilder();
        foreach (var r in results)
        {
            string who = r.Namespace is null ? r.Name : $"{r.Namespace}/{r.Name}";
            int errors = r.Findings.Count(f => f.Severity == Severity.Error);
            text.AppendLine($"{r.File}:{r.Line}: ModelDeployment {who}: {(errors == 0 ? "valid" : $"INVALID ({errors} error{(errors == 1 ? "" : "s")})")}");
            foreach (var f in r.Findings)
            {
                text.AppendLine($"  {f.Severity.ToString().ToLowerInvariant()} [{f.RuleId}] {f.Field}: {f.Message}");
                if (f.Severity != Severity.Info) text.AppendLine($"      fix: {f.Fix}");
            }
        }
        int invalid = results.Count(r => !r.IsValid);
        text.Append($"{results.Count} resource{(results.Count == 1 ? "" : "s")} checked, {invalid} invalid.");
        return text.ToString();
    }
}
