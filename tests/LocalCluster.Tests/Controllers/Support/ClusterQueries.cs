using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Controllers.Objects;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Tests.Controllers.Support;

/// <summary>Reads the tests assert on.</summary>
internal static class ClusterQueries
{
    public static List<JsonObject> Pods(this TestCluster cluster, string app) =>
        cluster.Store.List(BuiltInTypes.Pods, Manifests.Namespace).Items.Where(p => p.Labels().GetValueOrDefault("app") == app).ToList();

    /// <summary>Pods that count: not being deleted and not finished.</summary>
    public static List<JsonObject> LivePods(this TestCluster cluster, string app) =>
        cluster.Pods(app).Where(IsLive).ToList();

    public static List<JsonObject> ReplicaSets(this TestCluster cluster, string deployment) =>
        cluster.Store.List(BuiltInTypes.ReplicaSets, Manifests.Namespace).Items
            .Where(rs => (string?)rs.ControllerRef()?["name"] == deployment).ToList();

    public static JsonObject? Deployment(this TestCluster cluster, string name) =>
        cluster.Store.Get(BuiltInTypes.Deployments, Manifests.Namespace, name);

    public static List<JsonObject> Events(this TestCluster cluster, string involvedName) =>
        cluster.Store.List(BuiltInTypes.Events, Manifests.Namespace).Items
            .Where(e => (string?)e["involvedObject"]?["name"] == involvedName).ToList();

    public static int? AsInt(this JsonNode? node) => (int?)node.AsLong();

    public static bool IsLive(JsonObject pod) =>
        !pod.IsDeleting() && (string?)pod["status"]?["phase"] is not ("Failed" or "Succeeded");

    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => (string?)c["type"] == "Ready" && (string?)c["status"] == "True");

    public static string Image(JsonObject podOrTemplateOwner) =>
        (string?)(podOrTemplateOwner["spec"]?["template"]?["spec"] ?? podOrTemplateOwner["spec"])?["containers"]?[0]?["image"] ?? "";

    public static JsonObject? Condition(JsonObject obj, string type) =>
        (obj["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    /// <summary>The state `kubectl rollout status` waits for.</summary>
    public static bool RolledOut(JsonObject deployment)
    {
        var replicas = deployment["spec"]?["replicas"].AsInt() ?? 1;
        var status = deployment["status"];
        return (status?["observedGeneration"].AsLong() ?? 0) >= (deployment.Meta()["generation"].AsLong() ?? 0) &&
               (status?["updatedReplicas"].AsInt() ?? 0) == replicas && (status?["replicas"].AsInt() ?? 0) == replicas &&
               (status?["availableReplicas"].AsInt() ?? 0) == replicas;
    }

    /// <summary>Changes a Deployment's spec as `kubectl apply` would (a main update), re-reading on conflicts.</summary>
    public static JsonObject UpdateDeployment(this TestCluster cluster, string name, Action<JsonObject> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var deployment = cluster.Deployment(name) ?? throw new InvalidOperationException($"no deployment {name}");
            change(deployment);
            try
            {
                return cluster.Store.Update(BuiltInTypes.Deployments, deployment);
            }
            catch (ApiError e) when (e.Code == 409 && attempt < 20)
            {
                // The controller wrote first (status, annotations): re-read and apply again.
            }
        }
    }

    public static void SetImage(this TestCluster cluster, string deployment, string image) =>
        cluster.UpdateDeployment(deployment, d => d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = image);
}
