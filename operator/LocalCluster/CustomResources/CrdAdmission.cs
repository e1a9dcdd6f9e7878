using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmOperator.LocalCluster.Admission;
using LlmOperator.LocalCluster.Api.Tables;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.CustomResources;

/// <summary>apiextensions' defaulting of a CRD: names.singular, names.listKind and conversion strategy None.</summary>
public sealed class CrdDefaulting : IAdmissionPlugin
{
    public bool Mutates => true;

    public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Type.GroupResource != BuiltInTypes.CustomResourceDefinitions.GroupResource ||
            request.Operation == AdmissionOperation.Delete || request.Object?["spec"] is not JsonObject)
        {
            return Task.FromResult(AdmissionOutcome.Unchanged(request));
        }

        var crd = (JsonObject)request.Object.DeepClone();
        var spec = (JsonObject)crd["spec"]!;
        spec["names"] = CrdSpec.Names(crd);
        if (spec["conversion"] is null) spec["conversion"] = new JsonObject { ["strategy"] = "None" };
        return Task.FromResult(new AdmissionOutcome(crd, []));
    }
}

/// <summary>
/// The checks a CRD must pass to be stored (the ones that keep its kind servable): name = plural.group,
/// names and versions well formed, one storage version, a structural root schema, valid printer columns.
/// Rules the CEL library cannot evaluate are accepted with a warning: kube-apiserver would enforce them.
/// </summary>
public sealed partial class CrdValidation : IAdmissionPlugin
{
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];

    public bool Mutates => false;

    public Task<AdmissionOutcome> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Type.GroupResource != BuiltInTypes.CustomResourceDefinitions.GroupResource ||
            request.Operation == AdmissionOperation.Delete || request.Object is null)
        {
            return Task.FromResult(AdmissionOutcome.Unchanged(request));
        }

        var crd = request.Object;
        var errors = Validate(crd);
        if (errors.Count > 0) throw FieldError.ToApiError(request.Type, request.Name, errors);
        var warnings = CrdSpec.Versions(crd)
            .SelectMany(v => JsonRead.At(v, "schema", "openAPIV3Schema") is JsonObject schema ? CelValidation.CompileProblems(schema) : [])
            .Select(p => $"the local cluster cannot evaluate a CEL rule and will not enforce it: {p}")
            .ToList();
        return Task.FromResult(new AdmissionOutcome(crd, warnings));
    }

    public static IReadOnlyList<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var group = CrdSpec.Group(crd);
        var names = CrdSpec.Names(crd);
        var plural = (string?)names["plural"] ?? "";
        if (group.Length == 0) errors.Add(new(FieldErrorType.Required, "spec.group", null, ""));
        else if (!group.Contains('.') || !Subdomain().IsMatch(group))
        {
            errors.Add(new(FieldErrorType.Invalid, "spec.group", group, "should be a domain with at least one dot"));
        }

        CheckLabel(plural, "spec.names.plural", errors);
        CheckLabel((string?)names["singular"] ?? "", "spec.names.singular", errors);
        var kind = (string?)names["kind"] ?? "";
        if (kind.Length == 0) errors.Add(new(FieldErrorType.Required, "spec.names.kind", null, ""));
        else if (!Label().IsMatch(kind.ToLowerInvariant()))
        {
            errors.Add(new(FieldErrorType.Invalid, "spec.names.kind", kind, "may have mixed case, but should otherwise match: " + Label()));
        }

        var shortNames = (names["shortNames"] as JsonArray ?? []).Select(n => (string?)n ?? "").ToList();
        for (var i = 0; i < shortNames.Count; i++) CheckLabel(shortNames[i], $"spec.names.shortNames[{i}]", errors);

        var name = JsonRead.Str(crd, "metadata", "name") ?? "";
        if (name != $"{plural}.{group}")
        {
            errors.Add(new(FieldErrorType.Invalid, "metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        if (JsonRead.Str(crd, "spec", "scope") is not ("Namespaced" or "Cluster") and var scope)
        {
            errors.Add(scope is null ? new(FieldErrorType.Required, "spec.scope", null, "")
                : new(FieldErrorType.NotSupported, "spec.scope", scope, "supported values: \"Cluster\", \"Namespaced\""));
        }

        ValidateVersions(crd, errors);
        return errors;
    }

    private static void ValidateVersions(JsonObject crd, List<FieldError> errors)
    {
        var versions = CrdSpec.Versions(crd).ToList();
        if (versions.Count == 0)
        {
            errors.Add(new(FieldErrorType.Required, "spec.versions", null, "must have exactly one version marked as storage version"));
            return;
        }

        if (versions.Count(v => JsonRead.Bool(v, "storage")) != 1)
        {
            errors.Add(new(FieldErrorType.Invalid, "spec.versions", null, "must have exactly one version marked as storage version"));
        }

        var seen = new HashSet<string>();
        for (var i = 0; i < versions.Count; i++)
        {
            var path = $"spec.versions[{i}]";
            var versionName = JsonRead.Str(versions[i], "name") ?? "";
            CheckLabel(versionName, path + ".name", errors);
            if (!seen.Add(versionName)) errors.Add(new(FieldErrorType.Duplicate, path + ".name", versionName, ""));
            var schema = JsonRead.At(versions[i], "schema", "openAPIV3Schema") as JsonObject;
            if (schema is null)
            {
                errors.Add(new(FieldErrorType.Required, path + ".schema.openAPIV3Schema", null, "schemas are required"));
            }
            else if (Schema.Type(schema) != "object")
            {
                errors.Add(new(FieldErrorType.Invalid, path + ".schema.openAPIV3Schema.type", Schema.Type(schema), "must be object at the root"));
            }

            ValidateColumns(versions[i], path, errors);
        }
    }

    private static void ValidateColumns(JsonObject version, string path, List<FieldError> errors)
    {
        var columns = JsonRead.Objects(version, "additionalPrinterColumns").ToList();
        for (var j = 0; j < columns.Count; j++)
        {
            var column = $"{path}.additionalPrinterColumns[{j}]";
            if (string.IsNullOrEmpty(JsonRead.Str(columns[j], "name"))) errors.Add(new(FieldErrorType.Required, column + ".name", null, ""));
            var type = JsonRead.Str(columns[j], "type");
            if (!ColumnTypes.Contains(type))
            {
                errors.Add(new(FieldErrorType.NotSupported, column + ".type", type,
                    "supported values: " + string.Join(", ", ColumnTypes.Select(t => $"\"{t}\""))));
            }

            var jsonPath = JsonRead.Str(columns[j], "jsonPath") ?? "";
            try
            {
                PrinterColumnPath.Parse(jsonPath);
            }
            catch (FormatException e)
            {
                errors.Add(new(FieldErrorType.Invalid, column + ".jsonPath", jsonPath, $"must be a simple json path: {e.Message}"));
            }
        }
    }

    private static void CheckLabel(string value, string field, List<FieldError> errors)
    {
        if (field.EndsWith(".plural", StringComparison.Ordinal) && value.Length == 0)
        {
            errors.Add(new(FieldErrorType.Required, field, null, ""));
        }
        else if (value.Length > 0 && !Label().IsMatch(value))
        {
            errors.Add(new(FieldErrorType.Invalid, field, value,
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
