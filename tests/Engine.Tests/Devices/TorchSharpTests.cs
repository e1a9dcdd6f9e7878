using TorchSharp;

namespace LlmOperator.Engine.Tests.Devices;

/// <summary>
/// TorchSharp's native library must load from the test output. On a libstdc++ without
/// GLIBCXX_3.4.32 (Debian 12) that only works thanks to engine/Native/TorchSharpGlibcxxFix.targets, so these
/// tests fail there without the patched library and the compat library beside it. The patch's bytes are checked by
/// tests/ElfPatch.Tests on the package's own library.
/// </summary>
public class TorchSharpTests
{
    [Fact]
    public void Matmul_Should_GiveExactProduct_When_MatricesAreKnown()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, 2, 2);

        using var product = torch.matmul(a, b);

        Assert.Equal(new long[] { 2, 2 }, product.shape);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());
    }

    [Fact]
    public void CudaIsAvailable_Should_Answer_When_PackageIsCpuOnly()
    {
        // The CPU package has no CUDA; the call must still answer rather than fail to load.
        var exception = Record.Exception(() => torch.cuda.is_available());

        Assert.Null(exception);
    }
}
