using k8s.Models;

namespace LlmOperator.Tests.Shared;

/// <summary>
/// The checks of the Pod Security Standards' "restricted" profile (kubernetes.io/docs/concepts/security/pod-security-standards,
/// which includes every "baseline" check) on a pod spec, worded as the PodSecurity admission plugin words its denials:
/// each violation names the field and the value it must have. Empty when the pod would be admitted in a namespace
/// labelled pod-security.kubernetes.io/enforce=restricted. Linked into the test projects that check pod specs.
/// </summary>
public static class RestrictedPodSecurity
{
    /// <summary>The volume types the restricted profile allows.</summary>
    private static readonly Func<V1Volume, bool>[] AllowedVolumes =
    [
        v => v.ConfigMap is not null, v => v.Csi is not null, v => v.DownwardAPI is not null, v => v.EmptyDir is not null,
        v => v.Ephemeral is not null, v => v.PersistentVolumeClaim is not null, v => v.Projected is not null, v => v.Secret is not null,
    ];

    public static IReadOnlyList<string> Violations(V1PodSpec pod)
    {
        var violations = new List<string>();
        void Check(bool ok, string message) { if (!ok) violations.Add(message); }

        Check(pod.HostNetwork != true && pod.HostPID != true && pod.HostIPC != true, "host namespaces (hostNetwork, hostPID and hostIPC must be unset or false)");
        foreach (var volume in pod.Volumes ?? [])
            Check(AllowedVolumes.Any(allowed => allowed(volume)), $"restricted volume types (volume \"{volume.Name}\" must be one of configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)");
        foreach (var sysctl in pod.SecurityContext?.Sysctls ?? [])
            Check(false, $"forbidden sysctls ({sysctl.Name}: the operator's pods set none)");
        var podContext = pod.SecurityContext;
        Check(podContext?.RunAsUser != 0, "runAsUser=0 (pod must not set securityContext.runAsUser=0)");
        foreach (var container in (pod.InitContainers ?? []).Concat(pod.Containers ?? []))
            violations.AddRange(ContainerViolations(container, podContext));
        return violations;
    }

    private static IEnumerable<string> ContainerViolations(V1Container container, V1PodSecurityContext? pod)
    {
        var c = container.SecurityContext;
        var name = $"container \"{container.Name}\"";
        if (c?.Privileged == true) yield return $"privileged ({name} must not set securityContext.privileged=true)";
        if (c?.AllowPrivilegeEscalation != false) yield return $"allowPrivilegeEscalation != false ({name} must set securityContext.allowPrivilegeEscalation=false)";
        if (c?.Capabilities?.Drop?.Contains("ALL") != true) yield return $"unrestricted capabilities ({name} must set securityContext.capabilities.drop=[\"ALL\"])";
        if (c?.Capabilities?.Add?.Any(a => a != "NET_BIND_SERVICE") == true) yield return $"unrestricted capabilities ({name} must not add capabilities other than NET_BIND_SERVICE)";
        if ((c?.RunAsNonRoot ?? pod?.RunAsNonRoot) != true) yield return $"runAsNonRoot != true (pod or {name} must set securityContext.runAsNonRoot=true)";
        if (c?.RunAsUser == 0) yield return $"runAsUser=0 ({name} must not set securityContext.runAsUser=0)";
        var seccomp = c?.SeccompProfile?.Type ?? pod?.SeccompProfile?.Type;
        if (seccomp is not ("RuntimeDefault" or "Localhost")) yield return $"seccompProfile (pod or {name} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";
        if (container.Ports?.Any(p => p.HostPort is > 0) == true) yield return $"hostPort ({name} must not set hostPort)";
        if (c?.ProcMount is { } proc && proc != "Default") yield return $"procMount ({name} must not set securityContext.procMount)";
    }
}
