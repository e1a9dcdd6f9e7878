using LlmOperator.Engine.Reference.Gguf;

namespace LlmOperator.Engine.Tests.Reference;

public sealed class GgufWriterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gguf-writer-").FullName;

    [Fact]
    public void Write_Should_ProduceVersion3HeaderWithTypedMetadata_When_ReadBack()
    {
        var metadata = new GgufMetadata()
            .Set("general.architecture", GgufValue.String("llama"))
            .Set("llama.block_count", GgufValue.UInt32(3))
            .Set("test.int32", GgufValue.Int32(-7))
            .Set("test.uint64", GgufValue.UInt64(1UL << 40))
            .Set("test.float32", GgufValue.Float32(1e-5f))
            .Set("test.float64", GgufValue.Float64(0.1))
            .Set("test.bool", GgufValue.Bool(true))
            .Set("test.unicode", GgufValue.String("Ψ→✓"))
            .Set("test.strings", GgufValue.Array(["a", "", "bc"]))
            .Set("test.ints", GgufValue.Array([1, -2, 3]));
        string path = Write(metadata, []);

        var gguf = GgufTestReader.Read(path);

        Assert.Equal(3u, gguf.Version);
        Assert.Equal("llama", gguf.Metadata["general.architecture"]);
        Assert.Equal(3u, gguf.Metadata["llama.block_count"]);
        Assert.Equal(-7, gguf.Metadata["test.int32"]);
        Assert.Equal(1UL << 40, gguf.Metadata["test.uint64"]);
        Assert.Equal(1e-5f, gguf.Metadata["test.float32"]);
        Assert.Equal(0.1, gguf.Metadata["test.float64"]);
        Assert.Equal(true, gguf.Metadata["test.bool"]);
        Assert.Equal("Ψ→✓", gguf.Metadata["test.unicode"]);
        Assert.Equal(new object[] { "a", "", "bc" }, gguf.Metadata["test.strings"]);
        Assert.Equal(new object[] { 1, -2, 3 }, gguf.Metadata["test.ints"]);
        Assert.Equal(GgufWriter.Alignment, gguf.Metadata[GgufWriter.AlignmentKey]);
    }

    [Fact]
    public void Write_Should_ReverseDimsAndAlignEveryTensor_When_SizesAreNotMultiplesOfTheAlignment()
    {
        float[] a = [.. Enumerable.Range(0, 15).Select(i => i * 0.5f)];   // 60 bytes: the next offset needs padding
        float[] b = [.. Enumerable.Range(0, 7).Select(i => -i - 0.25f)];
        string path = Write(new GgufMetadata().Set("general.architecture", GgufValue.String("llama")),
            [new("blk.0.a.weight", [3, 5], () => a), new("b", [7], () => b)]);

        var gguf = GgufTestReader.Read(path);

        Assert.Equal(["blk.0.a.weight", "b"], gguf.Tensors.Select(t => t.Name));
        Assert.Equal(new ulong[] { 5, 3 }, gguf.Tensors[0].Dims);       // GGML ne: innermost first
        Assert.Equal(new ulong[] { 7 }, gguf.Tensors[1].Dims);
        Assert.All(gguf.Tensors, t => Assert.Equal(0u, t.Type));        // GGML_TYPE_F32
        Assert.Equal(0UL, gguf.Tensors[0].Offset);
        Assert.Equal(64UL, gguf.Tensors[1].Offset);
        Assert.Equal(0, gguf.DataStart % 32);
        Assert.Equal(a, gguf.TensorData("blk.0.a.weight"));
        Assert.Equal(b, gguf.TensorData("b"));
        Assert.Equal(gguf.DataStart + 64 + 32, gguf.FileLength);       // 28 bytes of b padded to 32
    }

    [Fact]
    public void Write_Should_RefuseAndLeaveNoFile_When_TensorDataDoesNotMatchItsShape()
    {
        string path = Path.Combine(_directory, "bad.gguf");
        var error = Assert.Throws<InvalidDataException>(() => GgufWriter.Write(path, new GgufMetadata(),
            [new("token_embd.weight", [4, 4], () => new float[15])]));

        Assert.Contains("token_embd.weight", error.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("a_name_that_is_far_too_long_for_ggml_because_it_has_more_than_63_bytes")]
    [InlineData("dup")]
    public void Write_Should_RefuseTensorNames_When_GgmlCannotHoldThem(string name)
    {
        var tensors = new List<GgufTensor> { new(name, [1], () => [0f]) };
        if (name == "dup") tensors.Add(new(name, [1], () => [0f]));

        var error = Assert.Throws<ArgumentException>(() => GgufWriter.Write(Path.Combine(_directory, "x.gguf"), new GgufMetadata(), tensors));

        Assert.Contains(name, error.Message);
    }

    private string Write(GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        string path = Path.Combine(_directory, "model.gguf");
        GgufWriter.Write(path, metadata, tensors);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
