using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LlmOperator.Engine.Core.Output;

namespace LlmOperator.Engine.Core;

/// <summary>
/// One request's outputs as the HTTP layer reads them: an async stream of deltas that ends after the one carrying
/// the finish reason, or throws the engine's failure. Cancelling the read (the client disconnected) aborts the
/// request in the engine, which frees its blocks before the next step.
/// </summary>
public sealed class RequestStream(string requestId, ChannelReader<RequestOutput> outputs, EngineLoop loop)
{
    public string RequestId => requestId;

    public async IAsyncEnumerable<RequestOutput> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        bool finished = false;
        try
        {
            await foreach (var output in outputs.ReadAllAsync(cancellation))
            {
                finished = output.Finished;
                yield return output;
                if (finished) yield break;
            }
        }
        finally
        {
            // Also when the consumer stops early without cancelling: whatever ended the read, the engine must let go.
            if (!finished) loop.Abort(requestId);
        }
    }
}
