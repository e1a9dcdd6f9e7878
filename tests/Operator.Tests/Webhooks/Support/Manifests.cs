using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using LlmOperator.Operator.Crds;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Validation;
using LlmOperator.Operator.Webhooks.Admission;

namespace LlmOperator.Operator.Tests.Webhooks.Support;

/// <summary>Objects from the repository's example manifests, as the JSON an API server would send in an AdmissionReview.</summary>
internal static class Manifests
{
    /// <summary>The ModelDeployment of an example file, typed by the CRD schema as the API server decodes it (no defaults added).</summary>
    public static JsonObject ModelDeployment(params string[] path) => ModelDeploymentYaml(File.ReadAllText(RepositoryPaths.Of(path)));

    public static JsonObject ModelDeploymentYaml(string yaml)
    {
        var doc = ManifestReader.Parse(yaml, "test.yaml").Single(d => d.Kind == V1Alpha1ModelDeployment.EntityKind);
        var violations = new List<SchemaViolation>();
        var json = SchemaConverter.Convert(doc.Root, CrdGenerator.Generate().Spec.Versions[0].Schema.OpenAPIV3Schema, "", violations);
        Assert.DoesNotContain(violations, v => !v.IsCelRule);
        // Through JSON text, as the object arrives in an AdmissionReview.
        return (JsonObject)JsonNode.Parse(json!.ToJsonString())!;
    }

    /// <summary>The ConfigMap of an example file.</summary>
    public static V1ConfigMap ConfigMap(params string[] path) =>
        KubernetesYaml.LoadAllFromString(File.ReadAllText(RepositoryPaths.Of(path)), TypeMap).OfType<V1ConfigMap>().Single();

    private static readonly Dictionary<string, Type> TypeMap = new()
    {
        [$"{V1Alpha1ModelDeployment.GroupVersion}/{V1Alpha1ModelDeployment.EntityKind}"] = typeof(V1Alpha1ModelDeployment),
    };

    public static JsonObject ToJson(object resource) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(resource))!;

    public static V1Alpha1ModelDeployment Typed(JsonObject resource) => KubernetesJson.Deserialize<V1Alpha1ModelDeployment>(resource.ToJsonString());

    public static AdmissionRequest Create(JsonObject obj, string resource = V1Alpha1ModelDeployment.Plural) => new()
    {
        Uid = Guid.NewGuid().ToString(),
        Operation = "CREATE",
        Name = (string?)obj["metadata"]?["name"],
        Namespace = (string?)obj["metadata"]?["namespace"] ?? "default",
        Resource = resource == "configmaps" ? new GroupVersionResource("", "v1", resource)
            : new GroupVersionResource(V1Alpha1ModelDeployment.Group, V1Alpha1ModelDeployment.Version, resource),
        Object = obj,
    };

    public static AdmissionRequest Update(JsonObject oldObj, JsonObject newObj, string resource = V1Alpha1ModelDeployment.Plural) =>
        Create(newObj, resource) with { Operation = "UPDATE", OldObject = oldObj };
}
