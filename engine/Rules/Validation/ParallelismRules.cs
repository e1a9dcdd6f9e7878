using LlmOperator.Rules.Architecture;
using LlmOperator.Rules.Settings;

namespace LlmOperator.Rules.Validation;

/// <summary>
/// Tensor parallelism: how attention heads, KV heads, MLP/expert intermediate dimensions and the vocabulary split
/// over ranks (vLLM's <c>verify_with_parallel_config</c>, <c>QKVParallelLinear</c> and Llama4Attention asserts).
/// </summary>
internal static class ParallelismRules
{
    public static IEnumerable<Finding> Check(RuleContext c)
    {
        int tp = c.Tp;
        var m = c.Model;
        string works = $"TP values that work for {m.Name}: {FormatList(ValidSizes(m, c.Settings.Runtime, c.Gpus?.GpusPerNode))}.";

        if (m.NumAttentionHeads % tp != 0)
            yield return Error(RuleIds.TpAttentionHeads,
                $"tensorParallelSize {tp} does not divide the {m.NumAttentionHeads} attention heads of {m.Name}.", works);

        if (!KvHeadsSplit(m.NumKeyValueHeads, tp))
            yield return Error(RuleIds.TpKvHeads,
                $"tensorParallelSize {tp} neither divides the {m.NumKeyValueHeads} KV heads nor is a multiple of them, " +
                "so KV heads can be neither split nor replicated evenly.", works);

        foreach (var (name, size) in IntermediateSizes(m).Where(x => x.Size % tp != 0))
            yield return Error(RuleIds.TpIntermediate,
                $"tensorParallelSize {tp} does not divide {name} {size} of {m.Name}.", works);

        if (c.Settings.Runtime == EngineRuntime.Engine && m.VocabSize % tp != 0)
            yield return Error(RuleIds.TpVocabulary,
                $"tensorParallelSize {tp} does not divide the vocabulary of {m.VocabSize:N0} tokens; the engine shards " +
                "the embedding and lm_head rows evenly.", works);

        if (c.Gpus?.GpusPerNode is { } perNode && tp > perNode)
            yield return Error(RuleIds.TpGpusPerNode,
                $"tensorParallelSize {tp} needs {tp} GPUs on one node, but nodes have {perNode} ({c.Gpus.ResourceName}).",
                $"Use a tensorParallelSize of at most {perNode}. {works}");
    }

    /// <summary>Every TP size up to the limit (and the GPUs per node, when known) that the divisibility rules accept.</summary>
    public static IReadOnlyList<int> ValidSizes(ModelArchitecture m, EngineRuntime runtime, int? gpusPerNode) =>
        Enumerable.Range(1, Math.Min(BoundsRules.MaxTensorParallelSize, gpusPerNode ?? int.MaxValue))
            .Where(tp => m.NumAttentionHeads % tp == 0
                         && KvHeadsSplit(m.NumKeyValueHeads, tp)
                         && IntermediateSizes(m).All(x => x.Size % tp == 0)
                         && (runtime != EngineRuntime.Engine || m.VocabSize % tp == 0))
            .ToList();

    public static string FormatList(IReadOnlyList<int> values) => values.Count == 0 ? "none" : string.Join(", ", values);

    private static bool KvHeadsSplit(int kvHeads, int tp) => kvHeads >= tp ? kvHeads % tp == 0 : tp % kvHeads == 0;

    private static IEnumerable<(string Name, int Size)> IntermediateSizes(ModelArchitecture m)
    {
        if (m.MoeLayerCount > 0) yield return ("the expert intermediate_size", m.IntermediateSize);
        if (m.DenseLayerCount > 0) yield return ("the dense MLP intermediate size", m.DenseIntermediateSize);
    }

    private static Finding Error(string id, string message, string fix) =>
        new(id, Severity.Error, Fields.TensorParallelSize, message, fix);
}
