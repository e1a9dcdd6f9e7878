using System.CommandLine;
using LlmOperator.Engine.Contract;
using LlmOperator.Rules.Contract;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// Parses and invokes the root command under the process contract: unparseable flags exit with
/// <see cref="FailureClass.Usage"/> (System.CommandLine's own default is 1, which the contract does not know).
/// </summary>
public static class CommandLineRunner
{
    private const int MaxArgsChars = 512;

    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
            return ReportUsageErrors(result, args);

        // SIGTERM belongs to the web host (graceful drain, exit 0); System.CommandLine's own handler would cancel
        // the action and force an exit after 2 s, cutting the drain short.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await result.InvokeAsync(configuration);
    }

    private static int ReportUsageErrors(ParseResult result, string[] args)
    {
        var messages = result.Errors.Select(e => e.Message).ToList();
        foreach (string message in messages)
            Console.Error.WriteLine($"error: {message}");
        Console.Error.WriteLine("Run with --help for the flags (docs/engine-process-contract.md).");

        string text = "Unparseable engine flags:\n" + string.Join("\n", messages);
        // The raw arguments are all there is to show; capped so the message itself keeps its room in the 2 KiB line.
        string joined = string.Join(' ', args);
        var settings = new Dictionary<string, string> { ["args"] = joined.Length <= MaxArgsChars ? joined : joined[..MaxArgsChars] + " …" };
        TerminationLog.Write(TerminationLog.ResolvePath(args), TerminationMessage.For(FailureClass.Usage, text, settings));
        return (int)FailureClass.Usage;
    }
}
