using System.CommandLine;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Webhooks;

// Host wiring only: each command lives in Cli/.
var root = new RootCommand("LLM Operator: validates, rolls out and rolls back ModelDeployments.")
{
    ValidateCommand.Create(),
    CrdsCommand.Create(),
    ClusterCommand.Create(),
    RunCommand.Create(new WebhookHostExtension()),
    WebhookConfigCommand.Create(),
    UpCommand.Create(),
    BenchCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // Usage errors exit 2, like unreadable input: exit 1 means "a resource is invalid" to pipelines.
    foreach (var error in parse.Errors) Console.Error.WriteLine($"error: {error.Message}");
    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}
// Signals belong to the commands (the web host's graceful shutdown, `cluster` and `up` stopping their processes):
// System.CommandLine's own handler would cancel the action and force an exit after 2 s, cutting that short.
return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
