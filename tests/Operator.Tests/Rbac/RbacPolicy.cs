using k8s;
using k8s.Models;
using LlmOperator.LocalCluster.Api.Auditing;

namespace LlmOperator.Operator.Tests.Rbac;

/// <summary>One verb on one resource that a role grants, where its binding makes it apply.</summary>
/// <param name="Role">"ClusterRole NAME" or "Role NAMESPACE/NAME": where the grant is written.</param>
/// <param name="Namespace">The namespace it applies in (a RoleBinding's); null for every namespace and cluster-scoped objects.</param>
/// <param name="ResourceNames">The objects it is limited to; empty for all.</param>
internal sealed record RbacGrant(string Role, string? Namespace, string ApiGroup, string Resource, string Verb, IReadOnlyList<string> ResourceNames)
{
    /// <summary>Kubernetes RBAC's RuleAllows for one grant (rbac/v1 semantics, wildcards included).</summary>
    public bool Allows(RequestAttributes request) =>
        (Namespace is null || Namespace == request.Namespace)
        && Matches(ApiGroup, request.ApiGroup)
        && (Matches(Resource, request.RuleResource) || (request.Subresource is { } sub && Resource == "*/" + sub))
        && Matches(Verb, request.Verb)
        // A rule with resourceNames allows only requests naming one of them: never a list, a watch or a create.
        && (ResourceNames.Count == 0 || (request.Name is { } name && ResourceNames.Contains(name)));

    public bool HasWildcard => ApiGroup == "*" || Resource.Contains('*') || Verb == "*";

    public override string ToString() =>
        $"{Role}: {Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource}" +
        (ResourceNames.Count == 0 ? "" : $" [{string.Join(", ", ResourceNames)}]") + (Namespace is null ? "" : $" in {Namespace}");

    private static bool Matches(string granted, string requested) => granted == "*" || granted == requested;
}

/// <summary>
/// The permissions a chart's RBAC objects give one ServiceAccount: the rules of every role a binding gives it,
/// ClusterRoles through ClusterRoleBindings everywhere, Roles (or ClusterRoles) through RoleBindings in the binding's
/// namespace. Read with KubernetesClient's own YAML loader, so the objects are the API's types.
/// </summary>
internal sealed class RbacPolicy(IReadOnlyList<RbacGrant> grants)
{
    public IReadOnlyList<RbacGrant> Grants => grants;

    public static RbacPolicy For(string yaml, string serviceAccountNamespace, string serviceAccount)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        var clusterRoles = objects.OfType<V1ClusterRole>().ToDictionary(r => r.Metadata.Name);
        var roles = objects.OfType<V1Role>().ToDictionary(r => (r.Metadata.NamespaceProperty, r.Metadata.Name));
        bool Binds(IEnumerable<Rbacv1Subject>? subjects) => subjects?.Any(s =>
            s.Kind == "ServiceAccount" && s.Name == serviceAccount && s.NamespaceProperty == serviceAccountNamespace) == true;

        var grants = new List<RbacGrant>();
        foreach (var binding in objects.OfType<V1ClusterRoleBinding>().Where(b => Binds(b.Subjects)))
        {
            var role = clusterRoles.GetValueOrDefault(binding.RoleRef.Name)
                ?? throw new InvalidOperationException($"ClusterRoleBinding {binding.Metadata.Name} names ClusterRole {binding.RoleRef.Name}, which the chart does not define.");
            grants.AddRange(Flatten($"ClusterRole {role.Metadata.Name}", null, role.Rules));
        }
        foreach (var binding in objects.OfType<V1RoleBinding>().Where(b => Binds(b.Subjects)))
        {
            var ns = binding.Metadata.NamespaceProperty;
            var rules = binding.RoleRef.Kind == "ClusterRole"
                ? clusterRoles.GetValueOrDefault(binding.RoleRef.Name)?.Rules
                : roles.GetValueOrDefault((ns, binding.RoleRef.Name))?.Rules;
            if (rules is null)
                throw new InvalidOperationException($"RoleBinding {ns}/{binding.Metadata.Name} names {binding.RoleRef.Kind} {binding.RoleRef.Name}, " +
                                                    $"which the chart does not define in {ns}.");
            grants.AddRange(Flatten($"Role {ns}/{binding.RoleRef.Name}", ns, rules));
        }
        return new RbacPolicy(grants);
    }

    public bool Allows(RequestAttributes request) => grants.Any(g => g.Allows(request));

    private static IEnumerable<RbacGrant> Flatten(string role, string? ns, IEnumerable<V1PolicyRule>? rules) =>
        from rule in rules ?? []
        from apiGroup in rule.ApiGroups ?? []
        from resource in rule.Resources ?? []
        from verb in rule.Verbs
        select new RbacGrant(role, ns, apiGroup, resource, verb, [.. rule.ResourceNames ?? []]);
}
