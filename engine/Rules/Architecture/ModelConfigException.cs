namespace LlmOperator.Rules.Architecture;

/// <summary>A model's config.json is unreadable or lacks a field the rules need; the message names source and field.</summary>
public sealed class ModelConfigException(string message) : Exception(message);
