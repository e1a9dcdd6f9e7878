namespace LlmOperator.Operator.Up;

/// <summary>The settings of <c>up</c>.</summary>
public sealed record UpOptions
{
    /// <summary>Where to write the kubeconfig; null: a temporary file, deleted on stop.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>The node's Hugging Face hub cache, kept between runs so the model is made once.</summary>
    public required string ModelCache { get; init; }

    /// <summary>API server port (0: any free one).</summary>
    public int Port { get; init; }

    /// <summary>How long the example may take to become Ready.</summary>
    public TimeSpan ReadyPatience { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The default model cache: <c>$XDG_CACHE_HOME/llm-operator/hub</c>, else <c>~/.cache/llm-operator/hub</c>.</summary>
    public static string DefaultModelCache() =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "llm-operator", "hub");
}
