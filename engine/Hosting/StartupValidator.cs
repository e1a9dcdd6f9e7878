using System.Diagnostics.CodeAnalysis;
using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Models;
using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Contract;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// Start-up validation with the rules admission uses (<see cref="DeploymentRules"/>), before anything heavy loads,
/// so a bad spec that slipped past admission fails in milliseconds with the same findings, named by flag.
/// </summary>
public static class StartupValidator
{
    /// <summary>
    /// The engine cannot tell its GPU model or node size before it loads libtorch, and admission already checked
    /// both against the cluster's inventory; so the memory and GPUs-per-node rules are skipped here.
    /// </summary>
    public static readonly GpuInventory Inventory = new(MemoryBytesPerGpu: null, GpusPerNode: null);

    /// <summary>Resolves the model and validates; false with the contract's exit code when the engine must not start.</summary>
    /// <param name="notes">Where info and warning findings go (default stdout; <c>generate</c> keeps stdout for its JSON).</param>
    public static bool TryValidate(ServeOptions options, [NotNullWhen(true)] out ModelArchitecture? model, out int exitCode,
        TextWriter? notes = null)
    {
        var settings = SettingsSnapshot.Of(options.Model, options.Settings);
        try
        {
            model = ModelSource.Resolve(options.Model);
        }
        catch (ModelConfigException e)
        {
            Console.Error.WriteLine($"error [model-load] --model: {e.Message}");
            model = null;
            exitCode = Fail(options, FailureClass.ModelLoad, e.Message, settings);
            return false;
        }

        var report = DeploymentRules.Validate(model, options.Settings, Inventory);
        foreach (var finding in report.Findings)
            (finding.Severity == Severity.Error ? Console.Error : notes ?? Console.Out).WriteLine(Describe(finding));
        if (report.IsValid)
        {
            exitCode = 0;
            return true;
        }

        var errors = report.Errors.ToList();
        string message = $"Invalid engine settings ({errors.Count} error(s)):\n" + string.Join("\n", errors.Select(Describe));
        exitCode = Fail(options, FailureClass.InvalidSettings, message, settings);
        model = null;
        return false;
    }

    /// <summary>One finding as the process reports it: severity, rule id, the engine flag, message and fix.</summary>
    public static string Describe(Finding f) => f.Describe(Fields.FlagFor(f.Field));

    private static int Fail(ServeOptions options, FailureClass failureClass, string message, IReadOnlyDictionary<string, string> settings)
    {
        TerminationLog.Write(options.TerminationLogPath, TerminationMessage.For(failureClass, message, settings));
        return (int)failureClass;
    }
}
