using System.CommandLine;
using LlmOperator.Engine.Benchmark;
using LlmOperator.Engine.Generation;
using LlmOperator.Engine.Hosting;
using LlmOperator.Engine.LoadGen;
using LlmOperator.Engine.ModelMaking;
using LlmOperator.Engine.Reference.Commands;

// Wiring only: each subcommand lives with its concept; `serve` is the Kubernetes-facing one.
var root = new RootCommand("LLM Operator inference engine (TorchSharp). See docs/engine-process-contract.md.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(MakeModelCommand.Create());
root.Subcommands.Add(GenerateCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ConvertGgufCommand.Create());
root.Subcommands.Add(LlamaCppLogitsCommand.Create());
root.Subcommands.Add(LlamaCppBenchCommand.Create());
root.Subcommands.Add(LoadGenCommand.Create());
root.Subcommands.Add(LoadGenCommand.CreateChild());
return await CommandLineRunner.InvokeAsync(root, args);
