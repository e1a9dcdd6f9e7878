using System.Diagnostics;
using LlmOperator.Engine.Core.Output;
using LlmOperator.Engine.Core.Requests;
using LlmOperator.Engine.Telemetry;

namespace LlmOperator.Engine.Core;

/// <summary>
/// After sampling: decides whether a request is done (EOS or a stop token id, a stop string, max_tokens, maxModelLen,
/// in vLLM's order), turns its token into a text delta, sends the delta to the request's stream and records the
/// token metrics (TTFT, inter-token latency, prompt and generation token counts, e2e latency on finish).
/// </summary>
internal sealed class OutputProcessor(EngineTokenizer tokenizer, EngineLimits limits, EngineMetrics metrics)
{
    /// <summary>Handles the token just appended to <paramref name="request"/>; returns why it finished, if it did.</summary>
    public FinishReason? OnToken(EngineRequest request, Sampling.SampledToken token)
    {
        var r = request.Request;
        RecordTiming(request);
        var p = request.Sampling;
        FinishReason? reason = null;
        bool stopToken = (!p.IgnoreEos && tokenizer.EosTokenIds.Contains(token.TokenId)) || p.StopTokenIds.Contains(token.TokenId);
        if (stopToken)
        {
            reason = FinishReason.Stop; // like vLLM, the stop token counts as generated but is not part of the text
        }
        else
        {
            request.TextTokenIds.Add(token.TokenId);
            if (request.Text.Append(request.Detokenizer.Next(request.TextTokenIds))) reason = FinishReason.Stop;
        }
        if (reason is null && (r.OutputTokenIds.Count >= r.MaxTokens || r.NumTokens >= limits.MaxModelLen))
            reason = FinishReason.Length;

        var logprobs = p.Logprobs is null ? Array.Empty<ChosenTokenLogprob>() : [Logprob(token)];
        string delta = request.Text.TakeEmittable(final: reason is not null);
        if (reason is { } finished)
        {
            // Recorded before the last output goes out, so a client that has its answer sees it counted.
            metrics.Finished(Stopwatch.GetElapsedTime(request.ArrivalTimestamp), finished == FinishReason.Stop ? "stop" : "length");
            EndTrace(request, finished.ToString().ToLowerInvariant(), error: null);
        }
        request.Outputs?.TryWrite(new RequestOutput(delta, logprobs, r.PromptTokenIds.Count, r.OutputTokenIds.Count, reason));
        return reason;
    }

    /// <summary>The request ended normally (its last output, with the finish reason, is already out): close its stream.</summary>
    public static void Finished(EngineRequest request) => request.Outputs?.TryComplete();

    /// <summary>The request was cancelled (<paramref name="error"/> null) or failed: close its stream with the error.</summary>
    public void Aborted(EngineRequest request, Exception? error)
    {
        metrics.Finished(Stopwatch.GetElapsedTime(request.ArrivalTimestamp), "abort");
        EndTrace(request, "abort", error);
        request.Outputs?.TryComplete(error);
    }

    private ChosenTokenLogprob Logprob(Sampling.SampledToken token) => new(
        new TokenLogprob(token.TokenId, tokenizer.TokenText(token.TokenId), token.Logprob),
        token.Top.Select(t => new TokenLogprob(t.TokenId, tokenizer.TokenText(t.TokenId), t.Logprob)).ToList());

    private void RecordTiming(EngineRequest request)
    {
        long now = Stopwatch.GetTimestamp();
        if (request.LastTokenTimestamp is { } last)
        {
            metrics.InterToken(Stopwatch.GetElapsedTime(last, now));
        }
        else
        {
            metrics.PromptTokens(request.Request.PromptTokenIds.Count);
            metrics.FirstToken(Stopwatch.GetElapsedTime(request.ArrivalTimestamp, now));
            request.Activity?.AddEvent(new ActivityEvent("first_token"));
        }
        metrics.GenerationTokens(1);
        request.LastTokenTimestamp = now;
    }

    private static void EndTrace(EngineRequest request, string finishReason, Exception? error)
    {
        if (request.Activity is not { } activity) return;
        activity.SetTag("gen_ai.response.finish_reasons", finishReason);
        activity.SetTag("gen_ai.usage.input_tokens", request.Request.PromptTokenIds.Count);
        activity.SetTag("gen_ai.usage.output_tokens", request.Request.OutputTokenIds.Count);
        activity.SetTag("llmoperator.num_preemptions", request.Request.NumPreemptions);
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.Dispose();
    }
}
