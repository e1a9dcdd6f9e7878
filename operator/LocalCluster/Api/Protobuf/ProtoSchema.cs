namespace LlmOperator.LocalCluster.Api.Protobuf;

/// <summary>How a protobuf field of a Kubernetes type reads into JSON.</summary>
public enum ProtoKind
{
    Text,
    Binary,
    Int,
    Long,
    Flag,
    Message,
    TextMap,
    BinaryMap,
    QuantityMap,
    Timestamp,
    IntOrString,
}

/// <summary>One field of a Kubernetes protobuf message (from k8s.io/api generated.proto).</summary>
/// <param name="Json">The JSON member name.</param>
/// <param name="Message">The nested message, for <see cref="ProtoKind.Message"/>.</param>
/// <param name="Repeated">A list.</param>
/// <param name="KeepZero">
/// A Go pointer field: present on the wire only when set, so a zero value is meaningful
/// (replicas: 0). Other zero values are Go's defaults, always written, and left out of the JSON.
/// </param>
public sealed record ProtoField(string Json, ProtoKind Kind, ProtoMessage? Message = null, bool Repeated = false, bool KeepZero = false);

/// <summary>A protobuf message: field number → field. Fields not listed are refused unless they carry a zero value.</summary>
public sealed class ProtoMessage(string name)
{
    private readonly Dictionary<int, ProtoField> _fields = new();

    public string Name { get; } = name;

    public IReadOnlyDictionary<int, ProtoField> Fields => _fields;

    /// <summary>Adds fields after construction, so that messages can refer to each other.</summary>
    public ProtoMessage With(params (int Number, ProtoField Field)[] fields)
    {
        foreach (var (number, field) in fields) _fields[number] = field;
        return this;
    }
}
