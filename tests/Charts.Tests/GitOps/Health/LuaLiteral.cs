using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmOperator.Charts.Tests.GitOps.Health;

/// <summary>
/// A JSON value as a Lua table constructor, the shape Argo CD hands a health script: objects become tables keyed by
/// string, arrays 1-based sequences, null nothing at all (gopher-lua's LNil), whole numbers integers (so that
/// <c>"generation " .. 3</c> reads "3" as it does in Argo CD's gopher-lua).
/// </summary>
internal static class LuaLiteral
{
    public static string Of(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(text, node);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("nil");
                break;
            case JsonObject obj:
                text.Append('{');
                foreach (var (key, value) in obj.Where(p => p.Value is not null))
                {
                    text.Append('[');
                    AppendString(text, key);
                    text.Append("]=");
                    Write(text, value);
                    text.Append(',');
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('{');
                foreach (var item in array)
                {
                    // A null inside an array would leave a hole in the sequence; Kubernetes objects have none.
                    if (item is null) throw new ArgumentException("JSON arrays with null items have no Lua sequence equivalent");
                    Write(text, item);
                    text.Append(',');
                }
                text.Append('}');
                break;
            case JsonValue value:
                WriteScalar(text, value);
                break;
        }
    }

    private static void WriteScalar(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                AppendString(text, value.GetValue<string>());
                break;
            case JsonValueKind.True or JsonValueKind.False:
                text.Append(value.GetValue<bool>() ? "true" : "false");
                break;
            case JsonValueKind.Number:
                text.Append(value.TryGetValue<long>(out var whole)
                    ? whole.ToString(CultureInfo.InvariantCulture)
                    : value.GetValue<double>().ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                throw new ArgumentException($"unexpected JSON value kind {value.GetValueKind()}");
        }
    }

    /// <summary>A quoted Lua string, byte for byte: printable ASCII as is, every other UTF-8 byte as a decimal escape.</summary>
    private static void AppendString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and < 0x7f && b != '"' && b != '\\') text.Append((char)b);
            else text.Append('\\').Append(b.ToString("D3", CultureInfo.InvariantCulture));
        }
        text.Append('"');
    }
}
