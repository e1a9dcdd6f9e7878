using LlmOperator.LocalCluster.Api.Http;

namespace LlmOperator.LocalCluster.Api.Auditing;

/// <summary>
/// What kube-apiserver's authorizer decides on for one resource request (its RequestInfo plus the client), so that a
/// test can check a client's calls against RBAC rules: the verb as RBAC names it (get, list, watch, create, update,
/// patch, delete, deletecollection), the API group ("" for core), the resource and subresource, and the namespace
/// and name from the path. There is no authentication here, so the client is told apart by its User-Agent, as in
/// kube-apiserver's audit log.
/// </summary>
public sealed record RequestAttributes(
    string UserAgent,
    string Verb,
    string ApiGroup,
    string ApiVersion,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name)
{
    /// <summary>"deployments", "pods/status": the resource as an RBAC rule's <c>resources</c> names it.</summary>
    public string RuleResource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    /// <summary>The attributes of a request the API server has resolved to a served resource.</summary>
    public static RequestAttributes Of(ApiCall call) => new(
        call.Context.Request.Headers.UserAgent.ToString(),
        call.Verb,
        call.Type.Group,
        call.Type.Version,
        call.Type.Plural,
        call.Path.Subresource,
        // kube-apiserver reads /api/v1/namespaces/NAME as in namespace NAME, so a Role there can grant reading it.
        call.Path.Namespace ?? (call.Type is { Group: "", Plural: "namespaces" } ? call.Path.Name : null),
        call.Path.Name);

    public override string ToString() =>
        $"{Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{RuleResource}" +
        (Namespace is null ? " (cluster-wide)" : $" in {Namespace}") + (Name is null ? "" : $" name={Name}");
}
