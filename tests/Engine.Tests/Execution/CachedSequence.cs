using LlmOperator.Engine.Attention;
using LlmOperator.Engine.Execution;
using LlmOperator.Engine.KvCache;

namespace LlmOperator.Engine.Tests.Execution;

/// <summary>
/// A test sequence that owns a block table in a shared pool: <see cref="Schedule"/> the next tokens (known in advance:
/// the test feeds a fixed token list), run the step, then <see cref="Commit"/>.
/// </summary>
internal sealed class CachedSequence(ModelRunner runner, int[] tokens)
{
    private static readonly Dictionary<ModelRunner, BlockPool> Pools = [];
    private readonly BlockTable _table = new(runner.BlockSize);
    private int _computed;

    public IReadOnlyList<int> Tokens => tokens.Take(_computed).ToArray();

    public StepInput? Input { get; private set; }

    public CachedSequence Schedule(int count)
    {
        BlockPool pool;
        lock (Pools)
            pool = Pools.TryGetValue(runner, out var p) ? p : Pools[runner] = new BlockPool(runner.NumBlocks);
        if (!_table.EnsureCapacity(_computed + count, pool))
            throw new InvalidOperationException("the test's pool is too small");
        Input = new StepInput(new SequenceSlice(_computed, count, _table.Blocks.ToArray()), tokens.Skip(_computed).Take(count).ToArray());
        return this;
    }

    public void Commit()
    {
        _computed += Input!.Slice.NewTokens;
        Input = null;
    }
}
