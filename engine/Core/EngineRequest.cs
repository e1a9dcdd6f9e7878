using System.Diagnostics;
using System.Threading.Channels;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Core.Sampling;

namespace LlmOperator.Engine.Core;

/// <summary>What a caller asks the engine to generate: prompt ids, sampling, and (rehearsals only) a chaos failure.</summary>
/// <param name="FailWith">A chaos failure to raise in the step that first runs this request (the contract's chaos path).</param>
/// <param name="TraceParent">The caller's span, so the engine's span for this request joins the HTTP request's trace.</param>
public sealed record GenerationInput(
    string RequestId,
    IReadOnlyList<int> PromptTokenIds,
    SamplingParams Sampling,
    ChaosKind? FailWith = null,
    ActivityContext TraceParent = default);

/// <summary>
/// The engine's state for one request beside the scheduler's <see cref="Requests.Request"/>: its sampling parameters
/// and generator, the text built so far, where its outputs go, and the times its metrics need. Owned by the loop thread.
/// </summary>
internal sealed class EngineRequest
{
    public EngineRequest(GenerationInput input, long arrival, Func<IReadOnlyList<int>, string> decode, ChannelWriter<RequestOutput>? outputs)
    {
        Input = input;
        Request = new Request(input.RequestId, input.PromptTokenIds, input.Sampling.MaxTokens, arrival);
        Random = input.Sampling.Seed is { } seed ? new Random(unchecked((int)seed ^ (int)(seed >> 32))) : new Random();
        Detokenizer = new IncrementalDetokenizer(decode);
        Text = new StopStringText(input.Sampling.Stop);
        Outputs = outputs;
        ArrivalTimestamp = Stopwatch.GetTimestamp();
    }

    public GenerationInput Input { get; }

    public Request Request { get; }

    public SamplingParams Sampling => Input.Sampling;

    public Random Random { get; }

    public IncrementalDetokenizer Detokenizer { get; }

    public StopStringText Text { get; }

    /// <summary>Where this request's outputs go; null for the engine's own warm-up request.</summary>
    public ChannelWriter<RequestOutput>? Outputs { get; }

    public long ArrivalTimestamp { get; }

    public long? LastTokenTimestamp { get; set; }

    /// <summary>Tokens whose ids are already in the text (stop and EOS tokens are never decoded).</summary>
    public List<int> TextTokenIds { get; } = [];

    public Activity? Activity { get; set; }
}
