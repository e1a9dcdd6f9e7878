using LlmOperator.Engine.Attention;

namespace LlmOperator.Engine.Tests.Attention;

/// <summary>Checks of the pure construction against the definitions, shared by the property tests.</summary>
internal static class SegmentInvariants
{
    /// <summary>Every block-table column a segment reads lies in [0, table length) of its own sequence.</summary>
    public static void AssertColumnsInTable(StepCase step, IEnumerable<AttentionSegment> segments, string context)
    {
        foreach (var s in segments)
        {
            var table = step.Sequences[s.SequenceIndex].BlockTable.Count;
            Assert.True(s.FirstBlockColumn >= 0 && s.EndBlockColumn <= table,
                $"{context}: segment {s} reads columns {s.FirstBlockColumn}..{s.EndBlockColumn - 1} of a {table}-column table");
            Assert.Equal(s.KeyStart / step.BlockSize, s.FirstBlockColumn);
            Assert.Equal((s.KeyStart + s.KeyLength - 1) / step.BlockSize, s.EndBlockColumn - 1);
        }
    }

    /// <summary>Every new token is the query of exactly one segment, and sees exactly the keys the mask allows.</summary>
    public static void AssertVisibleKeys(StepCase step, AttentionSegment[] segments, int? chunk, string context)
    {
        var seen = new int[step.Sequences.Sum(s => s.NewTokens)];
        var starts = step.Sequences.Select((s, i) => step.Sequences.Take(i).Sum(x => x.NewTokens)).ToArray();
        foreach (var s in segments)
            for (var row = 0; row < s.QueryLength; row++)
            {
                var token = s.QueryStart + row;
                seen[token]++;
                var position = step.Sequences[s.SequenceIndex].ComputedTokens + token - starts[s.SequenceIndex];
                var expectedFirst = chunk is { } c ? c * (position / c) : 0;
                Assert.True(s.KeyStart == expectedFirst && s.KeyStart + s.KeyLimit(row) == position,
                    $"{context}: position {position} sees {s.KeyStart}..{s.KeyStart + s.KeyLimit(row)}, expected {expectedFirst}..{position}");
            }
        Assert.True(seen.All(n => n == 1), $"{context}: tokens served {string.Join(",", seen)}");
    }

    /// <summary>The padded batches serve each token once, and every real key row holds the right position's slot.</summary>
    public static void AssertBatchesServeEachTokenOnce(StepCase step, AttentionSegment[] segments, string context)
    {
        var tokens = step.Sequences.Sum(s => s.NewTokens);
        var batches = SegmentBatching.Plan(segments, step.Sequences, step.BlockSize, tokens);
        Assert.Equal(Enumerable.Range(0, tokens).Select(t => (long)t), batches.SelectMany(b => b.TokenIndices).Order());
        foreach (var b in batches)
            for (var s = 0; s < b.Segments.Length; s++)
            {
                var seg = b.Segments[s];
                var table = step.Sequences[seg.SequenceIndex].BlockTable;
                for (var key = 0; key < seg.KeyLength; key++)
                {
                    var position = seg.KeyStart + key;
                    Assert.True(b.KeySlots[s * b.KeyRows + key] == (long)table[position / step.BlockSize] * step.BlockSize + position % step.BlockSize, context);
                }
            }
        var slots = (long)step.NumBlocks * step.BlockSize;
        Assert.True(batches.All(b => b.KeySlots.All(slot => slot >= 0 && slot < slots)), context);
    }
}
