using LlmOperator.Engine.Core.Output;

namespace LlmOperator.Engine.Tests.Core;

public sealed class OutputTextTests
{
    [Fact]
    public void StopStringText_Should_CutBeforeTheStopString_When_ItSpansTwoDeltas()
    {
        var text = new StopStringText(["END"]);
        var emitted = new List<string>();

        foreach (string delta in new[] { "hello E", "N", "D and more" })
        {
            bool stopped = text.Append(delta);
            emitted.Add(text.TakeEmittable(final: stopped));
            if (stopped) break;
        }

        Assert.Equal("hello ", string.Concat(emitted));
        Assert.True(text.Stopped);
        Assert.DoesNotContain(emitted, e => e.Contains('E'));
    }

    [Fact]
    public void StopStringText_Should_StopAtTheEarliestOfSeveralStops_When_BothAppear()
    {
        var text = new StopStringText(["zz", "b"]);

        Assert.True(text.Append("a b zz"));

        Assert.Equal("a ", text.TakeEmittable(final: true));
    }

    [Fact]
    public void StopStringText_Should_HandOutEverything_When_ThereAreNoStops()
    {
        var text = new StopStringText([]);
        text.Append("abc");

        Assert.Equal("abc", text.TakeEmittable(final: false));
    }

    [Fact]
    public void IncrementalDetokenizer_Should_HoldBackAPartialCharacter_When_ATokenEndsMidUtf8()
    {
        // A fake byte-level decoder: ids are bytes; "é" is two bytes, split over two tokens.
        static string Decode(IReadOnlyList<int> ids) => System.Text.Encoding.UTF8.GetString(ids.Select(i => (byte)i).ToArray());
        var detokenizer = new IncrementalDetokenizer(Decode);
        var ids = new List<int>();
        var deltas = new List<string>();

        foreach (byte b in System.Text.Encoding.UTF8.GetBytes("aé!"))
        {
            ids.Add(b);
            deltas.Add(detokenizer.Next(ids));
        }

        Assert.Equal(["a", "", "é", "!"], deltas);
    }
}
