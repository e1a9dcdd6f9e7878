using k8s;
using k8s.Models;

namespace LlmOperator.Operator.Up;

/// <summary>Installs the CRDs of a folder, as <c>kubectl apply -f crds/</c>, and waits until they are served.</summary>
public static class CrdInstaller
{
    public static async Task InstallAsync(IKubernetes client, string directory, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file, cancellationToken));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
            names.Add(crd.Metadata.Name);
        }
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        foreach (var name in names)
        {
            while ((await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: patience.Token))
                   .Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") != true)
                await Task.Delay(50, patience.Token);
        }
    }
}
