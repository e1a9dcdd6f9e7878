using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// What kube-apiserver's registry strategies do to an object on create (PrepareForCreate): a kind
/// with a status subresource starts with an empty status, which only its controller fills in, with
/// the start values of pods (Pending) and namespaces (Active). Nodes keep theirs: kubelets register
/// with status.
/// </summary>
public static class CreateDefaults
{
    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (!type.HasStatusSubresource || type.GroupResource == BuiltInTypes.Nodes.GroupResource) return;
        obj.Remove("status");
        if (type.GroupResource == BuiltInTypes.Pods.GroupResource) obj["status"] = new JsonObject { ["phase"] = "Pending" };
        if (type.GroupResource == BuiltInTypes.Namespaces.GroupResource) obj["status"] = new JsonObject { ["phase"] = "Active" };
    }
}
