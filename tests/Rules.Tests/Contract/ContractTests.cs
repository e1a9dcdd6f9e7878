using LlmOperator.Rules.Contract;

namespace LlmOperator.Rules.Tests.Contract;

public sealed class ContractTests
{
    [Theory]
    [InlineData("RuntimeError: CUDA error: device-side assert triggered", FailureClass.GpuAssertion)]
    [InlineData("torch.AcceleratorError: CUDA error: an illegal memory access was encountered", FailureClass.GpuAssertion)]
    [InlineData("CUDA error: misaligned address", FailureClass.GpuAssertion)]
    [InlineData("RuntimeError: CUDA error: CUBLAS_STATUS_EXECUTION_FAILED when calling `cublasGemmEx`", FailureClass.GpuAssertion)]
    [InlineData("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB", FailureClass.GpuOutOfMemory)]
    [InlineData("NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.", FailureClass.GpuHardware)]
    [InlineData("CUDA error: uncorrectable ECC error encountered", FailureClass.GpuHardware)]
    [InlineData("NCCL error in: ../torch/csrc/distributed/c10d/NCCLUtils.hpp:219, unhandled system error", FailureClass.GpuError)]
    public void Classify_Should_SortFailure_When_TextIsGenuine(string text, FailureClass expected) =>
        Assert.Equal(expected, CudaFailureText.Classify(text));

    [Theory]
    [InlineData("ValueError: The decoder prompt (length 9000) is longer than the maximum model length of 8192.")]
    [InlineData("")]
    public void Classify_Should_ReturnNull_When_NoCudaFailure(string text) => Assert.Null(CudaFailureText.Classify(text));

    [Fact]
    public void ToJsonLine_Should_StayOneLineWithinLimit_When_MessageIsHuge()
    {
        var settings = new Dictionary<string, string> { ["--max-model-len"] = "4096" };
        var message = TerminationMessage.For(FailureClass.GpuAssertion, "CUDA error: device-side assert triggered\n" + new string('x', 10_000), settings);
        string line = message.ToJsonLine();
        Assert.DoesNotContain('\n', line);
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(line), 100, TerminationMessage.MaxBytes);
        var parsed = TerminationMessage.TryParse(line)!;
        Assert.Equal("GpuAssertion", parsed.Reason);
        Assert.Equal(10, parsed.ExitCode);
        Assert.Equal("4096", parsed.Settings["--max-model-len"]);
        Assert.StartsWith("CUDA error: device-side assert triggered", parsed.Message);
    }

    [Fact]
    public void TryParse_Should_ReturnNull_When_TextIsALogTail() =>
        Assert.Null(TerminationMessage.TryParse("Traceback (most recent call last):"));
}
