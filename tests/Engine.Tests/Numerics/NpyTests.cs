using System.Text;
using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Tests.Weights;

namespace LlmOperator.Engine.Tests.Numerics;

/// <summary>The .npy files are byte-for-byte what numpy.save writes, and read back exactly.</summary>
public sealed class NpyTests
{
    [Fact]
    public void WriteFloat32_Should_WriteNumpysHeaderBytes_When_ArrayIs2D()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");

        Npy.WriteFloat32(path, [1f, 2f, 3f, 4f, 5f, 6f], [2, 3]);

        byte[] bytes = File.ReadAllBytes(path);
        // numpy.save(np.zeros((2, 3), np.float32)): 10-byte preamble, 118-byte header (0x76), data at offset 128.
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] expectedHeader = [0x93, .. "NUMPY"u8, 1, 0, 0x76, 0, .. Encoding.ASCII.GetBytes(dict.PadRight(117) + "\n")];
        Assert.Equal(expectedHeader, bytes[..128]);
        Assert.Equal(128 + 24, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 128));
        Assert.Equal(6f, BitConverter.ToSingle(bytes, 148));
    }

    [Fact]
    public void WriteFloat32_Should_WriteOneElementTuple_When_ArrayIs1D()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");

        Npy.WriteFloat32(path, [7f], [1]);

        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = BitConverter.ToUInt16(bytes, 8);
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", header);
        Assert.EndsWith(" \n", header);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal(10 + headerLength + 4, bytes.Length);
    }

    [Fact]
    public void ReadFloat32_Should_ReturnWrittenArray_When_RoundTripping()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        float[] data = Enumerable.Range(0, 3 * 4 * 5).Select(i => i * 0.5f - 3).ToArray();

        Npy.WriteFloat32(path, data, [3, 4, 5]);
        var (read, shape) = Npy.ReadFloat32(path);

        Assert.Equal(data, read);
        Assert.Equal(new long[] { 3, 4, 5 }, shape);
    }

    [Fact]
    public void ReadFloat32_Should_NameFile_When_DtypeIsNotFloat32()
    {
        using var dir = new TempDirectory();
        string path = dir.File("a.npy");
        Npy.WriteFloat32(path, [1f], [1]);
        byte[] bytes = File.ReadAllBytes(path);
        Encoding.ASCII.GetBytes("<f8").CopyTo(bytes, 21);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => Npy.ReadFloat32(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("<f4", error.Message);
    }

    [Fact]
    public void WriteFloat32_Should_Refuse_When_ShapeDoesNotMatchData()
    {
        using var dir = new TempDirectory();

        Assert.Throws<ArgumentException>(() => Npy.WriteFloat32(dir.File("a.npy"), [1f, 2f], [3]));
    }
}
