using System.Diagnostics;
using LlmOperator.Engine.Chaos;
using LlmOperator.Engine.Core;
using LlmOperator.Engine.Core.Sampling;
using LlmOperator.Engine.Hosting;

namespace LlmOperator.Engine.Server;

/// <summary>
/// The HTTP side's one door into the engine: resolves the model name, enforces the queue bound (429 with
/// Retry-After once <c>--max-num-seqs</c> + <c>--max-queued-requests</c> requests are in flight), and submits.
/// </summary>
public sealed class GenerationService(EngineHandle handle, ServeOptions options)
{
    public const int RetryAfterSeconds = 1;

    public LlmEngine Engine => handle.Loop.Engine;

    /// <summary>OpenAI's <c>created</c>: a Unix time in seconds.</summary>
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The served name the request asked for (the first one when it names none); 404 for any other.</summary>
    public string ResolveModel(string? model)
    {
        if (model is null) return options.ServedModelNames[0];
        if (options.ServedModelNames.Contains(model, StringComparer.Ordinal)) return model;
        throw new OpenAiException(StatusCodes.Status404NotFound, $"The model `{model}` does not exist.", "invalid_request_error",
            "model_not_found", "model");
    }

    public RequestStream Submit(string requestId, IReadOnlyList<int> prompt, SamplingParams sampling, HttpContext context)
    {
        var loop = handle.Loop;
        int bound = options.Settings.MaxNumSeqs + options.MaxQueuedRequests;
        if (loop.InFlight >= bound)
            throw new OpenAiException(StatusCodes.Status429TooManyRequests,
                $"The engine already has {loop.InFlight} requests in flight (--max-num-seqs {options.Settings.MaxNumSeqs} running + " +
                $"--max-queued-requests {options.MaxQueuedRequests} waiting). Retry after {RetryAfterSeconds} s.",
                "rate_limit_error", "rate_limit_exceeded") { RetryAfterSeconds = RetryAfterSeconds };
        var chaos = context.Items.TryGetValue(ApiPipeline.ChaosItem, out var kind) ? (ChaosKind?)kind : null;
        var parent = Activity.Current?.Context ?? default;
        return loop.Submit(new GenerationInput(requestId, prompt, sampling, chaos, parent));
    }
}
