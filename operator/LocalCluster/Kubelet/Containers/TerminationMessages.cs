using System.Text;
using k8s.Models;

namespace LlmOperator.LocalCluster.Kubelet.Containers;

/// <summary>
/// The message of a terminated container, as the kubelet fills <c>state.terminated.message</c>: the content of
/// the terminationMessagePath file (at most 4096 bytes); with <c>terminationMessagePolicy: FallbackToLogsOnError</c>,
/// when that is empty and the exit code is not 0, the tail of the log (at most 80 lines and 2048 bytes).
/// </summary>
internal static class TerminationMessages
{
    public const int MaxFileBytes = 4096, FallbackLines = 80, FallbackBytes = 2048;

    public static string? Read(V1Container container, string file, ContainerLog log, int exitCode)
    {
        var message = ReadFile(file);
        if (message.Length > 0) return message;
        if (container.TerminationMessagePolicy == "FallbackToLogsOnError" && exitCode != 0)
        {
            var tail = log.Tail(FallbackLines, FallbackBytes);
            return tail.Length > 0 ? tail : null;
        }

        return null;
    }

    private static string ReadFile(string file)
    {
        try
        {
            if (!File.Exists(file)) return "";
            using var stream = File.OpenRead(file);
            var buffer = new byte[MaxFileBytes];
            var read = stream.ReadAtLeast(buffer, MaxFileBytes, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return "";
        }
    }
}
