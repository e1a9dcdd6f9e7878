using System.Diagnostics;

namespace LlmOperator.Operator.Telemetry;

/// <summary>
/// The names OpenTelemetry subscribes to: one ActivitySource (a span per reconcile, a child span per API call) and
/// one Meter (<see cref="OperatorMetrics"/>). Kept in one place so exporters and tests agree on them.
/// </summary>
public static class OperatorTelemetry
{
    public const string Name = "LlmOperator.Operator";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(OperatorTelemetry).Assembly.GetName().Version?.ToString());
}
