using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.CustomResources;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// The <c>fieldValidation</c> query parameter of writes. <c>Strict</c> (what kubectl sends) refuses an
/// object with fields its schema does not know, with kube-apiserver's "strict decoding error" (400);
/// <c>Warn</c> (the default) and <c>Ignore</c> let the custom-resource pruning drop them, with warnings.
/// Checked before admission, as decoding is, so a typo in a manifest is an error, not a silent loss.
/// Built-in kinds are not checked (no schema is served for them here).
/// </summary>
public static class FieldValidation
{
    public static void Check(ApiCall call, JsonObject obj)
    {
        var mode = call.Query("fieldValidation") ?? "Warn";
        if (mode is not ("Strict" or "Warn" or "Ignore"))
        {
            throw ApiError.BadRequest($"fieldValidation: Unsupported value: \"{mode}\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }

        if (mode != "Strict") return;
        var unknown = CustomResourceDefaulting.UnknownFields(call.Type, obj);
        if (unknown.Count == 0) return;
        var kind = call.Type.Kind;
        throw ApiError.BadRequest(
            $"{kind} in version \"{call.Type.Version}\" cannot be handled as a {kind}: strict decoding error: " +
            string.Join(", ", unknown.Select(field => $"unknown field \"{field}\"")));
    }
}
