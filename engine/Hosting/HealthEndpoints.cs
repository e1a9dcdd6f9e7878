using System.Text.Json.Serialization;

namespace LlmOperator.Engine.Hosting;

/// <summary>
/// The probes: <c>/health</c> (liveness) is 200 while the process lives and has not failed; <c>/ready</c>
/// (readiness) is 200 only once start-up completed and until shutdown begins, so Kubernetes routes no traffic to a
/// starting, draining or failed engine.
/// </summary>
public static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (EngineState state, ServeOptions options) =>
            Results.Json(Report(state, options), statusCode: state.Failure is null ? 200 : 503));
        app.MapGet("/ready", (EngineState state, ServeOptions options) =>
            Results.Json(Report(state, options), statusCode: state.IsReady ? 200 : 503));
    }

    private static HealthReport Report(EngineState state, ServeOptions options) =>
        new(state.Status, state.Device?.Name, options.Model, state.Failure?.Class.ToString());
}

/// <summary>The probes' body; <c>device</c> is null until initialised, <c>reason</c> null unless failed.</summary>
public sealed record HealthReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("device")] string? Device,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("reason")] string? Reason);
