using System.Text.Json.Nodes;
using Google.Protobuf;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Protobuf;

/// <summary>
/// Reads an <c>application/vnd.kubernetes.protobuf</c> request body into JSON. kubectl's typed clients
/// (<c>kubectl create configmap</c>, <c>create namespace</c>, <c>create deployment</c>...) send
/// protobuf and, unlike for responses, offer no JSON fallback. The body is the "k8s\0" magic, then a
/// runtime.Unknown envelope {typeMeta, raw}, raw being the object message. Decoding follows
/// <see cref="KubernetesProtoTypes"/>; a field it does not know is refused (415) when it carries a
/// value, so nothing a client sent is silently lost.
/// </summary>
public static class ProtobufBody
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static JsonObject Read(byte[] body, ResourceType type)
    {
        if (!body.AsSpan().StartsWith(Magic)) throw Refuse("the body does not start with the Kubernetes protobuf magic \"k8s\\0\"");
        if (!KubernetesProtoTypes.ByResource.TryGetValue(type.GroupResource, out var schema))
        {
            throw Refuse($"{type.GroupResource} cannot be sent as protobuf to this server; send JSON (kubectl create -f / apply -f)");
        }

        var (apiVersion, kind, raw) = ReadEnvelope(body[Magic.Length..]);
        var obj = ReadMessage(raw, schema);
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    private static (string ApiVersion, string Kind, ByteString Raw) ReadEnvelope(byte[] envelope)
    {
        string apiVersion = "", kind = "";
        var raw = ByteString.Empty;
        var input = new CodedInputStream(envelope);
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    var typeMeta = new CodedInputStream(input.ReadBytes().ToByteArray());
                    for (var inner = typeMeta.ReadTag(); inner != 0; inner = typeMeta.ReadTag())
                    {
                        if (WireFormat.GetTagFieldNumber(inner) == 1) apiVersion = typeMeta.ReadString();
                        else if (WireFormat.GetTagFieldNumber(inner) == 2) kind = typeMeta.ReadString();
                        else typeMeta.SkipLastField();
                    }

                    break;
                case 2:
                    raw = input.ReadBytes();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (apiVersion, kind, raw);
    }

    private static JsonObject ReadMessage(ByteString bytes, ProtoMessage schema)
    {
        var obj = new JsonObject();
        var input = new CodedInputStream(bytes.ToByteArray());
        try
        {
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            {
                var number = WireFormat.GetTagFieldNumber(tag);
                if (!schema.Fields.TryGetValue(number, out var field))
                {
                    CheckUnknownIsEmpty(input, tag, schema, number);
                    continue;
                }

                var value = ReadValue(input, field);
                if (value is null) continue;
                if (field.Repeated) ((obj[field.Json] ??= new JsonArray()) as JsonArray)!.Add(value);
                else if (value is JsonObject entry && field.Kind is ProtoKind.TextMap or ProtoKind.BinaryMap or ProtoKind.QuantityMap) MergeEntry(obj, field.Json, entry);
                else obj[field.Json] = value;
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Refuse($"the {schema.Name} protobuf is malformed: {e.Message}");
        }

        return obj;
    }

    private static JsonNode? ReadValue(CodedInputStream input, ProtoField field)
    {
        switch (field.Kind)
        {
            case ProtoKind.Text:
                var text = input.ReadString();
                return text.Length == 0 && !field.KeepZero && !field.Repeated ? null : JsonValue.Create(text);
            case ProtoKind.Binary:
                return JsonValue.Create(input.ReadBytes().ToBase64());
            case ProtoKind.Int:
                var small = input.ReadInt32();
                return small == 0 && !field.KeepZero ? null : JsonValue.Create(small);
            case ProtoKind.Long:
                var large = input.ReadInt64();
                return large == 0 && !field.KeepZero ? null : JsonValue.Create(large);
            case ProtoKind.Flag:
                var flag = input.ReadBool();
                return !flag && !field.KeepZero ? null : JsonValue.Create(flag);
            case ProtoKind.Message:
                var message = ReadMessage(input.ReadBytes(), field.Message!);
                return message.Count == 0 && !field.Repeated ? null : message;
            case ProtoKind.Timestamp:
                return ReadTime(input.ReadBytes());
            case ProtoKind.IntOrString:
                return ReadIntOrString(input.ReadBytes());
            default:
                return ReadMapEntry(input.ReadBytes(), field.Kind);
        }
    }

    /// <summary>A map entry {1: key, 2: value} as a one-member object, merged into the map by the caller.</summary>
    private static JsonObject ReadMapEntry(ByteString bytes, ProtoKind kind)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        string key = "";
        JsonNode? value = JsonValue.Create("");
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                key = input.ReadString();
                continue;
            }

            value = kind switch
            {
                ProtoKind.BinaryMap => JsonValue.Create(input.ReadBytes().ToBase64()),
                // resource.Quantity is a message with its string form in field 1.
                ProtoKind.QuantityMap => ReadMessage(input.ReadBytes(), new ProtoMessage("Quantity").With((1, new ProtoField("string", ProtoKind.Text))))["string"]?.DeepClone(),
                _ => JsonValue.Create(input.ReadString()),
            };
        }

        return new JsonObject { [key] = value };
    }

    private static void MergeEntry(JsonObject obj, string name, JsonObject entry)
    {
        var map = obj[name] as JsonObject ?? new JsonObject();
        foreach (var (key, value) in entry) map[key] = value?.DeepClone();
        obj[name] = map;
    }

    /// <summary>meta/v1 Time {seconds, nanos} as RFC 3339; the zero time (Go's unset) as nothing.</summary>
    private static JsonNode? ReadTime(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        long seconds = 0;
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1) seconds = input.ReadInt64();
            else input.SkipLastField();
        }

        return seconds == 0 ? null : JsonValue.Create(DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"));
    }

    /// <summary>util/intstr IntOrString {type, intVal, strVal} as a JSON number or string.</summary>
    private static JsonNode? ReadIntOrString(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        long type = 0;
        int number = 0;
        string text = "";
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: type = input.ReadInt64(); break;
                case 2: number = input.ReadInt32(); break;
                case 3: text = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return type == 1 ? JsonValue.Create(text) : JsonValue.Create(number);
    }

    /// <summary>Go writes every non-pointer field, set or not; an unknown one is harmless only when it is empty.</summary>
    private static void CheckUnknownIsEmpty(CodedInputStream input, uint tag, ProtoMessage schema, int number)
    {
        var empty = WireFormat.GetTagWireType(tag) switch
        {
            WireFormat.WireType.Varint => input.ReadUInt64() == 0,
            WireFormat.WireType.LengthDelimited => IsEmptyMessage(input.ReadBytes()),
            _ => false,
        };
        if (!empty)
        {
            throw Refuse($"field {number} of {schema.Name} is not supported in protobuf bodies by the local API server; send the object as JSON instead (kubectl create -f FILE or kubectl apply -f FILE)");
        }
    }

    /// <summary>Empty bytes, or a message whose every field is itself empty (an unset struct).</summary>
    private static bool IsEmptyMessage(ByteString bytes)
    {
        if (bytes.Length == 0) return true;
        try
        {
            var input = new CodedInputStream(bytes.ToByteArray());
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            {
                var empty = WireFormat.GetTagWireType(tag) switch
                {
                    WireFormat.WireType.Varint => input.ReadUInt64() == 0,
                    WireFormat.WireType.LengthDelimited => IsEmptyMessage(input.ReadBytes()),
                    _ => false,
                };
                if (!empty) return false;
            }

            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static ApiError Refuse(string why) =>
        ApiError.UnsupportedMediaType($"the body of the request could not be read as application/vnd.kubernetes.protobuf: {why}");
}
