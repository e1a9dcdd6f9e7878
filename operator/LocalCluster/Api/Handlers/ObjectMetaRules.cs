using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// The ObjectMeta validation kube-apiserver applies to every kind before admission: a well-formed
/// name (RFC 1123 subdomain; a DNS label for namespaces, an RFC 1035 label for services), labels
/// and annotations as string maps with valid keys and label values, finalizers as strings. Errors
/// are 422 Invalid with one cause per field, which kubectl prints as a list.
/// </summary>
public static partial class ObjectMetaRules
{
    private const int MaxAnnotationBytes = 256 * 1024;

    public static void Validate(ResourceType type, JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            throw ApiError.BadRequest($"{type.Kind}: metadata must be a JSON object");
        }

        var name = Text(meta["name"]) ?? "";
        var causes = new List<(string Field, string Message)>();
        foreach (var field in new[] { "name", "generateName", "namespace", "resourceVersion", "uid" })
        {
            if (meta[field] is { } value && value.GetValueKind() != JsonValueKind.String)
            {
                causes.Add(($"metadata.{field}", $"Invalid value: {value.ToJsonString()}: must be a string"));
            }
        }

        if (causes.Count > 0) throw ApiError.Invalid(type, name, causes);
        if (name.Length > 0) CheckName(type, name, causes);
        CheckStringMap(meta, "labels", causes, CheckLabel);
        CheckStringMap(meta, "annotations", causes, (key, _, found) => CheckQualifiedName("metadata.annotations", key, found));
        if (meta["annotations"] is JsonObject annotations &&
            annotations.Sum(a => a.Key.Length + (Text(a.Value)?.Length ?? 0)) > MaxAnnotationBytes)
        {
            causes.Add(("metadata.annotations", $"Too long: must have at most {MaxAnnotationBytes} bytes"));
        }

        if (meta["finalizers"] is { } finalizers &&
            (finalizers is not JsonArray list || list.Any(f => f is not JsonValue v || v.GetValueKind() != JsonValueKind.String)))
        {
            causes.Add(("metadata.finalizers", "Invalid value: must be a list of strings"));
        }

        if (causes.Count > 0) throw ApiError.Invalid(type, name, causes);
    }

    private static void CheckName(ResourceType type, string name, List<(string, string)> causes)
    {
        var (regex, max, what) = type.GroupResource switch
        {
            "namespaces" => (DnsLabel(), 63, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')"),
            "services" => (Dns1035Label(), 63, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')"),
            _ => (DnsSubdomain(), 253, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')"),
        };
        if (name.Length > max) causes.Add(("metadata.name", $"Invalid value: \"{name}\": must be no more than {max} characters"));
        else if (!regex.IsMatch(name)) causes.Add(("metadata.name", $"Invalid value: \"{name}\": {what}"));
    }

    private static void CheckStringMap(JsonObject meta, string field, List<(string, string)> causes,
        Action<string, string, List<(string, string)>> checkEntry)
    {
        if (meta[field] is null) return;
        if (meta[field] is not JsonObject map)
        {
            causes.Add(($"metadata.{field}", "Invalid value: must be a map of strings"));
            return;
        }

        foreach (var (key, value) in map)
        {
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                causes.Add(($"metadata.{field}.{key}", $"Invalid value: {value?.ToJsonString() ?? "null"}: must be a string (quote it in YAML)"));
                continue;
            }

            checkEntry(key, v.GetValue<string>(), causes);
        }
    }

    private static void CheckLabel(string key, string value, List<(string, string)> causes)
    {
        CheckQualifiedName("metadata.labels", key, causes);
        if (value.Length > 63 || (value.Length > 0 && !LabelValue().IsMatch(value)))
        {
            causes.Add(($"metadata.labels", $"Invalid value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (at most 63 characters)"));
        }
    }

    /// <summary>Label and annotation keys: [prefix/]name, prefix an RFC 1123 subdomain, name at most 63 characters.</summary>
    private static void CheckQualifiedName(string field, string key, List<(string, string)> causes)
    {
        var slash = key.LastIndexOf('/');
        var prefix = slash >= 0 ? key[..slash] : null;
        var name = slash >= 0 ? key[(slash + 1)..] : key;
        var validPrefix = prefix is null || (prefix.Length <= 253 && DnsSubdomain().IsMatch(prefix));
        if (!validPrefix || name.Length is 0 or > 63 || !LabelValue().IsMatch(name))
        {
            causes.Add((field, $"Invalid value: \"{key}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex LabelValue();
}
