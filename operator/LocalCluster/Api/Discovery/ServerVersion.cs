using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace LlmOperator.LocalCluster.Api.Discovery;

/// <summary>
/// What <c>GET /version</c> reports. It must be 1.32.x: the <c>kubectl</c> on PATH of these machines is a
/// dispatcher that runs <c>kubectl.1.&lt;server minor&gt;</c>, and 1.32 is the version the project is tested with.
/// </summary>
public static class ServerVersion
{
    public const string Major = "1";

    public const string Minor = "32";

    public const string GitVersion = "v1.32.5";

    public static JsonObject ToJson() => new()
    {
        ["major"] = Major,
        ["minor"] = Minor,
        ["gitVersion"] = GitVersion,
        // Not a Kubernetes build: no commit or build date of one to report.
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-05-15T00:00:00Z",
        ["goVersion"] = "go1.23.8",
        ["compiler"] = "gc",
        ["platform"] = Platform(),
    };

    /// <summary>"linux/amd64" style, from the machine the server runs on.</summary>
    private static string Platform()
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = RuntimeInformation.OSArchitecture switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "386",
            Architecture.Arm => "arm",
            _ => "amd64",
        };
        return $"{os}/{arch}";
    }
}
