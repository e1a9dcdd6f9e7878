using LlmOperator.Engine.Weights;

namespace LlmOperator.Engine.Tests.Weights;

/// <summary>Every corrupt header is refused on open with a message that names the file and the tensor.</summary>
public sealed class SafetensorsCorruptionTests
{
    [Fact]
    public void Open_Should_NameFileAndTensor_When_FileIsTruncated()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        SafetensorsWriter.Write(path, [new PendingTensor("a", [4], () => TorchSharp.torch.ones(4)),
            new PendingTensor("b", [4], () => TorchSharp.torch.ones(4))], "F32");
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..^6]);

        var error = OpenFails(path);

        Assert.Contains("tensor 'b'", error);
        Assert.Contains("truncated", error);
    }

    [Fact]
    public void Open_Should_NameFile_When_FileIsShorterThanLengthPrefix()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Contains("truncated", OpenFails(path));
    }

    [Fact]
    public void Open_Should_NameFile_When_HeaderLengthRunsPastEndOfFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        RawSafetensors.Write(path, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", RawSafetensors.Floats(1), declaredHeaderLength: 10_000);

        Assert.Contains("header length 10000 runs past the end", OpenFails(path));
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "tensor 'a'", "run past the end")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "tensor 'b'", "overlaps tensor 'a'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[6,10]}}""", 10, "tensor 'b'", "back to back")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "tensor 'a'", "needs 12")]
    [InlineData("""{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}""", 4, "tensor 'a'", "dtype 'F33'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "tensor 'a'", "negative dimension")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}""", 4, "tensor 'a'", "ascending pair")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "tensor 'a'", "data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 8, "data section has 8 bytes", "trailing bytes")]
    [InlineData("""{"a": [1, 2""", 4, "not valid JSON", "corrupt")]
    public void Open_Should_RefuseHeader_When_HeaderIsCorrupt(string header, int dataBytes, string names, string problem)
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        RawSafetensors.Write(path, header, new byte[dataBytes]);

        var error = OpenFails(path);

        Assert.Contains(names, error);
        Assert.Contains(problem, error);
    }

    [Fact]
    public void Open_Should_RefuseTensor_When_ShapeOverflows()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        RawSafetensors.Write(path, """{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", new byte[4]);

        Assert.Contains("tensor 'a'", OpenFails(path));
    }

    private static string OpenFails(string path)
    {
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(path, error.Message);
        return error.Message;
    }
}
