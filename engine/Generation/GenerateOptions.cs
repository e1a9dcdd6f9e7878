using LlmOperator.Rules.Settings;

namespace LlmOperator.Engine.Generation;

/// <summary>Everything <c>generate</c> was asked to do, bound from its flags.</summary>
public sealed record GenerateOptions
{
    /// <summary>A Hugging Face checkpoint directory (config.json, safetensors, tokenizer.json).</summary>
    public required string Model { get; init; }

    /// <summary>Text to encode with the model's tokenizer (BOS added); exactly one of this and <see cref="TokenIds"/>.</summary>
    public string? Prompt { get; init; }

    public IReadOnlyList<int>? TokenIds { get; init; }

    public required int MaxTokens { get; init; }

    /// <summary>The settings the rules validate, as <c>serve</c> would run them (one sequence at a time).</summary>
    public required EngineSettings Settings { get; init; }

    /// <summary>Where to write the logits as a float32 .npy [T + G − 1, vocab]; null for none.</summary>
    public string? DumpLogitsPath { get; init; }

    /// <summary>Emit exactly <see cref="MaxTokens"/> tokens even past an end-of-sequence token.</summary>
    public bool IgnoreEos { get; init; }

    public required string TerminationLogPath { get; init; }
}
