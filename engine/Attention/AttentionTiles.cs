namespace LlmOperator.Engine.Attention;

/// <summary>A rectangle of a segment batch attended at once: segments [Segment, +Segments) × query rows [Row, +Rows).</summary>
public readonly record struct AttentionTile(int Segment, int Segments, int Row, int Rows);

/// <summary>
/// Cuts a segment batch so that no tile's score tensor (segments × heads × rows × keys) exceeds the budget:
/// an 8400-token prompt with 4 heads would otherwise take 8400² · 4 · 4 B ≈ 1.1 GB at once. Rows are cut
/// first; only when one row of every segment is already over the budget are segments cut too. Long
/// prefills are also cut into up to <see cref="CausalTiles"/> row tiles within the budget, because a
/// causal tile only reads the keys up to its last query: about half the work of one full rectangle.
/// </summary>
public static class AttentionTiles
{
    /// <summary>Row tiles a long batch is cut into for the causal saving (each tile costs a few ops).</summary>
    public const int CausalTiles = 8;

    /// <summary>Rows below which cutting for causality is not worth its ops and smaller matmuls.</summary>
    public const int MinCausalTileRows = 64;

    public static IReadOnlyList<AttentionTile> Plan(int segments, int rows, int keys, int heads, int elementSize, long budgetBytes)
    {
        var rowBytes = (long)heads * keys * elementSize;   // one query row of one segment, all heads
        var causalRows = Math.Max(MinCausalTileRows, (rows + CausalTiles - 1) / CausalTiles);
        if (segments * rowBytes > budgetBytes)
            return SegmentTiles(segments, rows, (int)Math.Max(1, budgetBytes / rowBytes));
        var rowsPerTile = (int)Math.Min(Math.Min(rows, causalRows), budgetBytes / (segments * rowBytes));
        var tiles = new List<AttentionTile>();
        for (var row = 0; row < rows; row += rowsPerTile)
            tiles.Add(new AttentionTile(0, segments, row, Math.Min(rowsPerTile, rows - row)));
        return tiles;
    }

    private static List<AttentionTile> SegmentTiles(int segments, int rows, int segmentsPerTile)
    {
        var tiles = new List<AttentionTile>();
        for (var segment = 0; segment < segments; segment += segmentsPerTile)
            for (var row = 0; row < rows; row++)
                tiles.Add(new AttentionTile(segment, Math.Min(segmentsPerTile, segments - segment), row, 1));
        return tiles;
    }
}
