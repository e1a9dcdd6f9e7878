using LlmOperator.Engine.Contract;
using LlmOperator.Engine.Devices;
using LlmOperator.Engine.Hosting;
using LlmOperator.Rules.Contract;
using TorchSharp;

namespace LlmOperator.Engine.Tests.Hosting;

/// <summary>Readiness and serving part at SIGTERM: the pod leaves the Service at once, the requests reaching it are still served.</summary>
public sealed class EngineStateTests
{
    private static readonly ComputeDevice Cpu = new(torch.CPU, "cpu", "test");

    [Fact]
    public void MarkStopping_Should_EndReadinessButKeepServing_When_EngineIsDraining()
    {
        var state = new EngineState();
        state.MarkStarted(Cpu);

        state.MarkStopping();

        Assert.False(state.IsReady);
        Assert.True(state.IsServing);
        Assert.Equal("stopping", state.Status);
    }

    [Fact]
    public void IsServing_Should_BeFalse_When_StartingOrFailed()
    {
        var state = new EngineState();
        Assert.False(state.IsServing);

        state.MarkStarted(Cpu);
        state.TryFail(new EngineFailure(FailureClass.GpuAssertion, "CUDA error: device-side assert triggered"));

        Assert.False(state.IsServing);
    }
}
