using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Support;

/// <summary>A store, a registry, the CRD controller and the CRD/CR admission plugins, as the API server wires them.</summary>
internal sealed class CrdCluster : IAsyncDisposable
{
    private CrdCluster()
    {
        Controller = new CrdController(Store, Registry);
        Admission = new AdmissionChain(Store, new CrdDefaulting(), new CrdValidation(),
            new CustomResourceDefaulting(), new CustomResourceValidation());
    }

    public ObjectStore Store { get; } = new();

    public ResourceRegistry Registry { get; } = new();

    public CrdController Controller { get; }

    public AdmissionChain Admission { get; }

    public static async Task<CrdCluster> StartAsync()
    {
        var cluster = new CrdCluster();
        await cluster.Controller.StartAsync(CancellationToken.None);
        return cluster;
    }

    /// <summary>Creates a CRD through admission and waits until the controller has served it.</summary>
    public async Task<JsonObject> ApplyCrdAsync(JsonObject crd)
    {
        var created = await Admission.CreateAsync(BuiltInTypes.CustomResourceDefinitions, crd);
        await SyncAsync();
        return Store.Get(BuiltInTypes.CustomResourceDefinitions, null, (string)created["metadata"]!["name"]!)!;
    }

    /// <summary>
    /// Waits until the controller has handled every change, including those it made itself while handling one (a
    /// CRD released by its last object's DELETED is deleted then; its own DELETED unserves the kinds).
    /// </summary>
    public async Task SyncAsync()
    {
        long handled;
        do
        {
            handled = Store.CurrentResourceVersion;
            await Controller.WaitForSyncAsync(handled).WaitAsync(TimeSpan.FromSeconds(30));
        }
        while (Store.CurrentResourceVersion != handled);
    }

    public ValueTask DisposeAsync() => Controller.DisposeAsync();
}
