using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Rules.Tests.Validation;

/// <summary>Builders for rule tests: the seed's deployment (Scout, TP 4, 4096, block 16, 80 GiB GPUs, 8 per node).</summary>
internal static class Scenario
{
    public const long GiB = 1L << 30;
    public static ModelArchitecture Scout => ModelCatalog.Find("meta-llama/Llama-4-Scout-17B-16E-Instruct")!;
    public static ModelArchitecture Maverick => ModelCatalog.Find("meta-llama/Llama-4-Maverick-17B-128E-Instruct")!;
    public static ModelArchitecture Llama8B => ModelCatalog.Find("meta-llama/Llama-3.1-8B-Instruct")!;
    public static ModelArchitecture TinyLlama4 => ModelCatalog.Find("llmoperator/tiny-llama4")!;

    public static EngineSettings Engine(int tp = 4, long? maxModelLen = 4096, int blockSize = 16) =>
        new() { TensorParallelSize = tp, MaxModelLen = maxModelLen, BlockSize = blockSize };

    public static GpuInventory H100s(int perNode = 8) => new(80 * GiB, perNode);

    public static ValidationReport Validate(EngineSettings settings, ModelArchitecture? model = null, GpuInventory? gpus = null) =>
        DeploymentRules.Validate(model ?? Scout, settings, gpus ?? H100s());

    public static IEnumerable<string> ErrorIds(this ValidationReport r) => r.Errors.Select(f => f.RuleId);
}
