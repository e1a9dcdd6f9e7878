using System.Globalization;
using LlmOperator.Rules.Contract;

namespace LlmOperator.LocalCluster.Kubelet.StandIn;

/// <summary>
/// The engine flags the stand-in honours (docs/engine-process-contract.md): the names it serves, the port, the
/// settings echoed in a termination message, and the chaos options, so that a pod template rendered for the
/// engine behaves the same on the stand-in — including dying with the engine's exit code and termination
/// message when a chaos failure is asked for. Other flags are accepted and ignored.
/// </summary>
internal sealed record StandInSettings(
    int? Port,
    IReadOnlyList<string> ServedModelNames,
    int MaxModelLen,
    IReadOnlyDictionary<string, string> Settings,
    StandInChaos? Chaos)
{
    public static StandInSettings Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> env)
    {
        var flags = Flags(args);
        string? One(string name) => flags.TryGetValue(name, out var values) && values.Count > 0 ? values[^1] : null;
        var model = One("--model") ?? "stand-in";
        var settings = new Dictionary<string, string>
        {
            ["model"] = model,
            ["runtime"] = "engine",
            ["tensorParallelSize"] = One("--tensor-parallel-size") ?? One("-tp") ?? "1",
            ["blockSize"] = One("--block-size") ?? "16",
            ["dtype"] = One("--dtype") ?? "auto",
            ["gpuMemoryUtilization"] = One("--gpu-memory-utilization") ?? "0.9",
            ["maxNumSeqs"] = One("--max-num-seqs") ?? "256",
        };
        if (One("--max-model-len") is { } maxModelLen) settings["maxModelLen"] = maxModelLen;
        var port = Int(One("--port")) ?? Int(env.GetValueOrDefault("PORT"));
        var names = flags.TryGetValue("--served-model-name", out var served) && served.Count > 0 ? served : [model];
        return new StandInSettings(port, names, Int(One("--max-model-len")) ?? 4096, settings, StandInChaos.From(One));
    }

    /// <summary>Flag → values: "--flag v1 v2" and "--flag=v" forms; a flag's values run until the next flag.</summary>
    private static Dictionary<string, List<string>> Flags(IReadOnlyList<string> args)
    {
        var flags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        List<string>? current = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith('-') && !double.TryParse(arg, CultureInfo.InvariantCulture, out _))
            {
                var equals = arg.IndexOf('=');
                var name = equals > 0 ? arg[..equals] : arg;
                current = flags[name] = new List<string>();
                if (equals > 0) current.Add(arg[(equals + 1)..]);
            }
            else
            {
                current?.Add(arg);
            }
        }

        return flags;
    }

    private static int? Int(string? value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>An injected failure: which class, its text, and when (the Nth /v1 request and/or after a delay).</summary>
internal sealed record StandInChaos(FailureClass Class, string Text, int? AfterRequests, TimeSpan? AfterTime)
{
    public static StandInChaos? From(Func<string, string?> flag)
    {
        if (flag("--chaos-failure") is not { } kind) return null;
        var (failure, text) = kind switch
        {
            "device-assert" => (FailureClass.GpuAssertion, "CUDA error: device-side assert triggered"),
            "illegal-memory-access" => (FailureClass.GpuAssertion, "CUDA error: an illegal memory access was encountered"),
            "out-of-memory" => (FailureClass.GpuOutOfMemory, "CUDA out of memory. Tried to allocate 2.00 GiB."),
            "xid" => (FailureClass.GpuHardware, "CUDA error: uncorrectable ECC error encountered"),
            _ => (FailureClass.Usage, $"--chaos-failure: unknown kind \"{kind}\"; expected device-assert, illegal-memory-access, out-of-memory or xid"),
        };
        // The engine refuses an unknown kind at start-up (exit 2, Usage), before it serves anything.
        if (failure == FailureClass.Usage) return new StandInChaos(failure, text, null, TimeSpan.Zero);
        var requests = int.TryParse(flag("--chaos-after-requests"), out var n) ? n : (int?)null;
        var seconds = double.TryParse(flag("--chaos-after-seconds"), CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        return new StandInChaos(failure, text + " (injected by the stand-in image: --chaos-failure " + kind + ")",
            requests ?? (seconds is null ? 1 : null), seconds);
    }
}
