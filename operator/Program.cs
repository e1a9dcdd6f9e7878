using System.CommandLine;
using LlmOperator.Operator.Cli;

// Host wiring only: each command lives in Cli/.
var root = new RootCommand("LLM Operator: validates, rolls out and rolls back ModelDeployments.")
{
    ValidateCommand.Create(),
    CrdsCommand.Create(),
};
return root.Parse(args).Invoke();
