using System.Globalization;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Controllers.Objects;

/// <summary>
/// Reading and editing the metadata of a stored object as JSON. Controllers write through JSON, not
/// through typed models, so that fields they do not own (a pod template's resource quantities,
/// int-or-string ports) reach the store byte for byte as the user wrote them.
/// </summary>
internal static class ObjectJson
{
    public static JsonObject Meta(this JsonObject obj) =>
        obj["metadata"] as JsonObject ?? (JsonObject)(obj["metadata"] = new JsonObject());

    public static string Name(this JsonObject obj) => (string?)obj.Meta()["name"] ?? "";

    public static string? Namespace(this JsonObject obj) => (string?)obj.Meta()["namespace"];

    public static string Uid(this JsonObject obj) => (string?)obj.Meta()["uid"] ?? "";

    public static string Kind(this JsonObject obj) => (string?)obj["kind"] ?? "";

    public static string ApiVersion(this JsonObject obj) => (string?)obj["apiVersion"] ?? "";

    public static bool IsDeleting(this JsonObject obj) => obj.Meta()["deletionTimestamp"] is not null;

    public static DateTimeOffset CreationTime(this JsonObject obj) => ParseTime((string?)obj.Meta()["creationTimestamp"]) ?? DateTimeOffset.MinValue;

    public static IReadOnlyDictionary<string, string> Labels(this JsonObject obj) => StringMap(obj.Meta()["labels"]);

    public static string? Annotation(this JsonObject obj, string key) => (string?)(obj.Meta()["annotations"] as JsonObject)?[key];

    /// <summary>Sets an annotation; returns false when it already had that value.</summary>
    public static bool SetAnnotation(this JsonObject obj, string key, string value)
    {
        var meta = obj.Meta();
        var annotations = meta["annotations"] as JsonObject ?? (JsonObject)(meta["annotations"] = new JsonObject());
        if ((string?)annotations[key] == value) return false;
        annotations[key] = value;
        return true;
    }

    public static IEnumerable<JsonObject> OwnerReferences(this JsonObject obj) =>
        (obj.Meta()["ownerReferences"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>The owner reference with controller: true, as metav1.GetControllerOf.</summary>
    public static JsonObject? ControllerRef(this JsonObject obj) =>
        obj.OwnerReferences().FirstOrDefault(r => (bool?)r["controller"] == true);

    public static bool IsControlledBy(this JsonObject obj, JsonObject owner) => (string?)obj.ControllerRef()?["uid"] == owner.Uid();

    /// <summary>The reference a controller puts on what it creates: controller and blockOwnerDeletion true.</summary>
    public static JsonObject NewControllerRef(JsonObject owner) => new()
    {
        ["apiVersion"] = owner.ApiVersion(),
        ["kind"] = owner.Kind(),
        ["name"] = owner.Name(),
        ["uid"] = owner.Uid(),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static IReadOnlyList<string> Finalizers(this JsonObject obj) =>
        (obj.Meta()["finalizers"] as JsonArray)?.Select(f => (string?)f).OfType<string>().ToList() ?? [];

    /// <summary>Removes one finalizer; returns false when it was not there.</summary>
    public static bool RemoveFinalizer(this JsonObject obj, string finalizer)
    {
        if (obj.Meta()["finalizers"] is not JsonArray list) return false;
        var index = list.Select(f => (string?)f).ToList().IndexOf(finalizer);
        if (index < 0) return false;
        list.RemoveAt(index);
        return true;
    }

    public static void AddFinalizer(this JsonObject obj, string finalizer)
    {
        var meta = obj.Meta();
        var list = meta["finalizers"] as JsonArray ?? (JsonArray)(meta["finalizers"] = new JsonArray());
        if (!list.Select(f => (string?)f).Contains(finalizer)) list.Add(finalizer);
    }

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node) =>
        node is JsonObject map
            ? map.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// A JSON number whatever CLR type it was stored with: nodes built in memory keep their type
    /// (int vs long), so a plain (long?) cast of a stored int throws.
    /// </summary>
    public static long? AsLong(this JsonNode? node) =>
        node is JsonValue value && long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>A time as the API writes it: RFC 3339 at whole seconds (metav1.Time).</summary>
    public static DateTime ApiTime(DateTimeOffset now) =>
        new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
