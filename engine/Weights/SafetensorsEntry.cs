namespace LlmOperator.Engine.Weights;

/// <summary>One tensor of a safetensors header. Offsets are relative to the data section, end exclusive.</summary>
public sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => checked(a * d));

    public long ByteLength => End - Begin;
}
