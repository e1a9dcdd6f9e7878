using System.Reflection;
using System.Runtime.InteropServices;

namespace LlmOperator.Operator.Runtime.Hosting;

/// <summary>
/// The User-Agent of the operator's API calls, shaped like client-go's (<c>NAME/VERSION (OS/ARCH)</c>), so that the
/// API server's audit log, its metrics and the local cluster's request recorder attribute each call to the operator
/// rather than to "KubernetesClient".
/// </summary>
public static class OperatorUserAgent
{
    /// <summary>The product token every operator call's User-Agent starts with.</summary>
    public const string Product = "llm-operator";

    public static string Value { get; } =
        $"{Product}/{Version()} ({OperatingSystemName()}/{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})";

    private static string Version()
    {
        var version = typeof(OperatorUserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        // "0.1.0+<commit>" (Directory.Build.props' Version): the release version only, as client-go's, so that one release's replicas agree.
        return version.Split('+')[0];
    }

    private static string OperatingSystemName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown";
}
