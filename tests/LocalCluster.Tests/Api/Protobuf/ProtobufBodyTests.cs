using Google.Protobuf;
using LlmOperator.LocalCluster.Api.Protobuf;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Api.Protobuf;

public sealed class ProtobufBodyTests
{
    [Fact]
    public void Read_Should_DecodeConfigMap_When_EncodedAsKubectlDoes()
    {
        var meta = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("demo"); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString(""); });
        var entry = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString("a"); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString("1"); });
        var configMap = Message(w => { Field(w, 1, meta); Field(w, 2, entry); });

        var json = ProtobufBody.Read(Envelope("v1", "ConfigMap", configMap), BuiltInTypes.ConfigMaps);

        Assert.Equal("""{"metadata":{"name":"demo"},"data":{"a":"1"},"apiVersion":"v1","kind":"ConfigMap"}""", json.ToJsonString());
    }

    [Fact]
    public void Read_Should_KeepExplicitZero_When_FieldIsAGoPointer()
    {
        var spec = Message(w => { w.WriteTag(1, WireFormat.WireType.Varint); w.WriteInt32(0); w.WriteTag(5, WireFormat.WireType.Varint); w.WriteInt32(0); });
        var deployment = Message(w => Field(w, 2, spec));

        var json = ProtobufBody.Read(Envelope("apps/v1", "Deployment", deployment), BuiltInTypes.Deployments);

        Assert.Equal("""{"replicas":0}""", json["spec"]!.ToJsonString());
    }

    [Fact]
    public void Read_Should_Answer415_When_UnknownFieldCarriesAValue()
    {
        var meta = Message(w => { w.WriteTag(99, WireFormat.WireType.LengthDelimited); w.WriteString("surprise"); });
        var configMap = Message(w => Field(w, 1, meta));

        var error = Assert.Throws<ApiError>(() => ProtobufBody.Read(Envelope("v1", "ConfigMap", configMap), BuiltInTypes.ConfigMaps));

        Assert.Equal(415, error.Code);
        Assert.Contains("field 99 of ObjectMeta", error.Message);
    }

    [Fact]
    public void Read_Should_Answer415_When_KindIsNotServedAsProtobuf()
    {
        var error = Assert.Throws<ApiError>(() => ProtobufBody.Read(Envelope("v1", "Event", []), BuiltInTypes.Events));

        Assert.Equal(415, error.Code);
        Assert.Contains("send JSON", error.Message);
    }

    private static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = Message(w => { w.WriteTag(1, WireFormat.WireType.LengthDelimited); w.WriteString(apiVersion); w.WriteTag(2, WireFormat.WireType.LengthDelimited); w.WriteString(kind); });
        var unknown = Message(w => { Field(w, 1, typeMeta); Field(w, 2, raw); });
        return [0x6b, 0x38, 0x73, 0x00, .. unknown];
    }

    private static void Field(CodedOutputStream writer, int number, byte[] bytes)
    {
        writer.WriteTag(number, WireFormat.WireType.LengthDelimited);
        writer.WriteBytes(ByteString.CopyFrom(bytes));
    }

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var writer = new CodedOutputStream(buffer);
        write(writer);
        writer.Flush();
        return buffer.ToArray();
    }
}
