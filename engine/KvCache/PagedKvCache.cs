using TorchSharp;

namespace LlmOperator.Engine.KvCache;

/// <summary>CONTRACT STUB (owner: attention helper): K and V tensors per layer, [numBlocks, blockSize, kvHeads, headDim].</summary>
public sealed class PagedKvCache(int numLayers, int numBlocks, int blockSize, int numKvHeads, int headDim, torch.ScalarType dtype, torch.Device device) : IDisposable
{
    public int NumLayers => numLayers;
    public int NumBlocks => numBlocks;
    public int BlockSize => blockSize;
    public int NumKvHeads => numKvHeads;
    public int HeadDim => headDim;
    public torch.ScalarType Dtype => dtype;
    public torch.Device Device => device;

    public void Dispose() => throw new NotImplementedException();
}
