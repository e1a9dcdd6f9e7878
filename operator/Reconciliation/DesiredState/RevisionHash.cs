using System.Text;
using k8s;
using k8s.Models;

namespace LlmOperator.Operator.Reconciliation.DesiredState;

/// <summary>
/// A revision's name: a stable hash of the pod template, as Kubernetes names ReplicaSets (FNV-1a 32-bit over the
/// serialised template, written with the consonant-and-digit alphabet of k8s.io/apimachinery rand.SafeEncodeString
/// so it never spells words). Same template, same revision — across operator restarts and replicas.
/// </summary>
public static class RevisionHash
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    public static string Of(V1PodTemplateSpec template)
    {
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(KubernetesJson.Serialize(template)))
        {
            hash = (hash ^ b) * 16777619;
        }
        var text = hash.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new string(text.Select(c => Alphabet[c % Alphabet.Length]).ToArray());
    }
}
