using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers;
using LlmOperator.LocalCluster.Storage;
using Microsoft.Extensions.Time.Testing;

namespace LlmOperator.LocalCluster.Tests.Controllers.Support;

/// <summary>
/// An object store with kube-controller-manager's controllers and a simulated kubelet, all
/// in-process: no HTTP, no processes. Waits are event-driven (on the store's watch) with a timeout.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly ControllerManager _controllers;

    private TestCluster(TimeProvider clock)
    {
        Clock = clock;
        Store = new ObjectStore(clock);
        Registry = new ResourceRegistry();
        Kubelet = new SimulatedKubelet(Store, clock);
        _controllers = new ControllerManager(Store, Registry, new ControllerOptions { Clock = clock });
    }

    public TimeProvider Clock { get; }

    public ObjectStore Store { get; }

    public ResourceRegistry Registry { get; }

    public SimulatedKubelet Kubelet { get; }

    /// <param name="configure">Settings for the simulated kubelet before it starts.</param>
    public static async Task<TestCluster> StartAsync(TimeProvider? clock = null, Action<SimulatedKubelet>? configure = null)
    {
        var cluster = new TestCluster(clock ?? TimeProvider.System);
        configure?.Invoke(cluster.Kubelet);
        cluster.Kubelet.Start();
        await cluster._controllers.StartAsync(CancellationToken.None);
        return cluster;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, checking after every change in the store.
    /// Fails with <paramref name="what"/> and the last observed state on timeout.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? describe = null)
    {
        using var watch = Store.Watch(null, null, Store.CurrentResourceVersion);
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (!condition())
            {
                await watch.Events.ReadAsync(limit.Token);
            }
        }
        catch (OperationCanceledException)
        {
            if (condition()) return;
            Assert.Fail($"timed out waiting until {what}. {describe?.Invoke()}");
        }
    }

    /// <summary>
    /// Moves a fake cluster clock forward one step at a time until <paramref name="condition"/> holds,
    /// giving the controllers a moment (up to a change in the store) after each step. For deadlines
    /// and minReadySeconds: the outcome is decided by cluster time, not by how fast the machine is.
    /// </summary>
    public async Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, int maxSteps, Func<bool> condition, string what)
    {
        for (var i = 0; i < maxSteps && !condition(); i++)
        {
            using var watch = Store.Watch(null, null, Store.CurrentResourceVersion);
            clock.Advance(step);
            using var settle = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                while (!condition()) await watch.Events.ReadAsync(settle.Token);
            }
            catch (OperationCanceledException)
            {
                // Nothing decisive happened within this step: take the next one.
            }
        }

        Assert.True(condition(), $"{what} did not happen within {maxSteps} steps of {step}");
    }

    /// <summary>Waits until an object exists and satisfies a test; returns it.</summary>
    public async Task<JsonObject> WaitForAsync(ResourceType type, string? ns, string name, Func<JsonObject, bool> test, string what)
    {
        JsonObject? last = null;
        await WaitUntilAsync(() => (last = Store.Get(type, ns, name)) is { } found && test(found), what,
            describe: () => $"last seen: {last?.ToJsonString() ?? "(absent)"}");
        return last!;
    }

    public async ValueTask DisposeAsync()
    {
        await _controllers.DisposeAsync();
        await Kubelet.DisposeAsync();
    }
}
