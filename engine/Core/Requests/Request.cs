namespace LlmOperator.Engine.Core.Requests;

public enum RequestStatus { Waiting, Running, Preempted, Finished }

public enum FinishReason { Stop, Length, Aborted }

/// <summary>
/// One generation request as the scheduler sees it: token ids (prompt, then output), how many of them are in the
/// KV cache (<see cref="NumComputedTokens"/>), and its status. No prefill/decode mode: a request simply has
/// <see cref="NumTokens"/> − <see cref="NumComputedTokens"/> tokens left to compute, and a step may take a part.
/// </summary>
public sealed class Request(string id, IReadOnlyList<int> promptTokenIds, int maxTokens, long arrival)
{
    private readonly List<int> _outputTokenIds = [];

    public string Id { get; } = id;

    public IReadOnlyList<int> PromptTokenIds { get; } = promptTokenIds;

    public IReadOnlyList<int> OutputTokenIds => _outputTokenIds;

    public int MaxTokens { get; } = maxTokens;

    /// <summary>Arrival order: first come, first served; the newest running request is preempted first.</summary>
    public long Arrival { get; } = arrival;

    public RequestStatus Status { get; internal set; } = RequestStatus.Waiting;

    public FinishReason? FinishReason { get; internal set; }

    public int NumComputedTokens { get; internal set; }

    public int NumPreemptions { get; internal set; }

    public int NumTokens => PromptTokenIds.Count + _outputTokenIds.Count;

    public int NumRemainingTokens => NumTokens - NumComputedTokens;

    /// <summary>The token at position <paramref name="index"/> of prompt + output.</summary>
    public int TokenAt(int index) =>
        index < PromptTokenIds.Count ? PromptTokenIds[index] : _outputTokenIds[index - PromptTokenIds.Count];

    internal void AppendOutput(int tokenId) => _outputTokenIds.Add(tokenId);
}
