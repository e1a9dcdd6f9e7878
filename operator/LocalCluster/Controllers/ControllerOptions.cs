using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmOperator.LocalCluster.Controllers;

/// <summary>Settings shared by the controllers of the local control plane.</summary>
public sealed record ControllerOptions
{
    /// <summary>
    /// The cluster clock: "now" for minReadySeconds, progress deadlines, conditions and events, and the
    /// timer for deadline requeues and resyncs. Pass the ObjectStore's clock so both agree.
    /// </summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How often every key is reconciled again without a change (heals anything a missed event left behind).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(30);

    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Shows up as the ownerless events' source host and reportingInstance.</summary>
    public string InstanceName { get; init; } = "localcluster";
}
