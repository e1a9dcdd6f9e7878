namespace LlmOperator.Operator.Up;

/// <summary>A step of <c>up</c> that could not be done, with what to do about it.</summary>
public sealed class UpException(string message) : Exception(message);
