namespace LlmOperator.Engine.Attention;

/// <summary>A rectangle of a segment batch attended at once: segments [Segment, +Segments) × query rows [Row, +Rows).</summary>
public readonly record struct AttentionTile(int Segment, int Segments, int Row, int Rows);

/// <summary>
/// Cuts a segment batch so that no tile's score tensor (segments × heads × rows × keys) exceeds the budget:
/// an 8400-token prompt with 4 heads would otherwise take 8400² · 4 · 4 B ≈ 1.1 GB at once. Rows are cut
/// first (causal tiles then also read fewer keys); only when one row of every segment is already over the
/// budget are segments cut too.
/// </summary>
public static class AttentionTiles
{
    public static IReadOnlyList<AttentionTile> Plan(int segments, int rows, int keys, int heads, int elementSize, long budgetBytes)
    {
        var rowBytes = (long)heads * keys * elementSize;   // one query row of one segment, all heads
        if (segments * rows * rowBytes <= budgetBytes)
            return [new AttentionTile(0, segments, 0, rows)];
        var tiles = new List<AttentionTile>();
        if (segments * rowBytes <= budgetBytes)
        {
            var rowsPerTile = (int)(budgetBytes / (segments * rowBytes));
            for (var row = 0; row < rows; row += rowsPerTile)
                tiles.Add(new AttentionTile(0, segments, row, Math.Min(rowsPerTile, rows - row)));
            return tiles;
        }
        var segmentsPerTile = (int)Math.Max(1, budgetBytes / rowBytes);
        for (var segment = 0; segment < segments; segment += segmentsPerTile)
            for (var row = 0; row < rows; row++)
                tiles.Add(new AttentionTile(segment, Math.Min(segmentsPerTile, segments - segment), row, 1));
        return tiles;
    }
}
