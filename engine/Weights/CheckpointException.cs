namespace LlmOperator.Engine.Weights;

/// <summary>A checkpoint that cannot be loaded as it is; the message names the file, the tensor and the fix.</summary>
public sealed class CheckpointException(string message) : Exception(message);
