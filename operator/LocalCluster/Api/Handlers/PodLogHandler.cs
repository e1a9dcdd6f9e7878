using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>
/// <c>GET .../pods/{name}/log</c>: a container's output from the kubelet (<see cref="IPodLogSource"/>)
/// as text/plain, the whole log or its last <c>tailLines</c>, of the current or <c>previous</c>
/// instance; <c>follow=true</c> streams new lines until the container stops or the client leaves.
/// Errors are the Status texts kubectl prints for a missing pod or an unknown container.
/// </summary>
public sealed class PodLogHandler(ApiServices services)
{
    public async Task GetAsync(ApiCall call)
    {
        var pod = services.Store.Get(BuiltInTypes.Pods, call.Path.Namespace, call.NameOrEmpty)
            ?? throw ApiError.NotFound(BuiltInTypes.Pods, call.NameOrEmpty);
        var container = ContainerOf(call, pod);
        var tail = call.QueryNumber("tailLines");
        var limitBytes = call.QueryNumber("limitBytes");
        var previous = call.QueryFlag("previous");
        var source = services.PodLogs;
        var log = source?.ReadLog(call.Path.Namespace!, call.NameOrEmpty, container, previous, tail is null ? null : (int)Math.Min(tail.Value, int.MaxValue));
        if (source is null || log is null)
        {
            throw ApiError.BadRequest(previous
                ? $"previous terminated container \"{container}\" in pod \"{call.NameOrEmpty}\" not found"
                : $"container \"{container}\" in pod \"{call.NameOrEmpty}\" is waiting to start: ContainerCreating");
        }

        var response = call.Context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain";
        if (call.QueryFlag("follow") && !previous)
        {
            await FollowAsync(call, source, container, tail);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(log);
        if (limitBytes is > 0 && bytes.Length > limitBytes) bytes = bytes[..(int)limitBytes.Value];
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, call.Aborted);
    }

    /// <summary>
    /// Streams the log as it grows. FollowLog replays the whole log first, one line per item; with
    /// tailLines, the lines before the tail (counted in the log read just before) are skipped.
    /// </summary>
    private static async Task FollowAsync(ApiCall call, IPodLogSource source, string container, long? tail)
    {
        var skip = 0;
        if (tail is not null)
        {
            var whole = source.ReadLog(call.Path.Namespace!, call.NameOrEmpty, container, false, null) ?? "";
            var lines = whole.Length == 0 ? 0 : whole.TrimEnd('\n').Split('\n').Length;
            skip = Math.Max(0, lines - (int)Math.Min(tail.Value, int.MaxValue));
        }

        var body = call.Context.Response.Body;
        await call.Context.Response.StartAsync(call.Aborted);
        await body.FlushAsync(call.Aborted);
        try
        {
            await foreach (var line in source.FollowLog(call.Path.Namespace!, call.NameOrEmpty, container, call.Aborted))
            {
                if (skip-- > 0) continue;
                await body.WriteAsync(Encoding.UTF8.GetBytes(line.EndsWith('\n') ? line : line + "\n"), call.Aborted);
                await body.FlushAsync(call.Aborted);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client stopped following.
        }
    }

    /// <summary>The container asked for, or the only one; 400 naming the choices otherwise.</summary>
    private static string ContainerOf(ApiCall call, JsonObject pod)
    {
        var names = new[] { "containers", "initContainers", "ephemeralContainers" }
            .SelectMany(list => (pod["spec"]?[list] as JsonArray ?? []).Select(c => JsonText.Of(c?["name"]) ?? ""))
            .ToList();
        var asked = call.Query("container");
        if (string.IsNullOrEmpty(asked))
        {
            var regular = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => JsonText.Of(c?["name"]) ?? "").ToList();
            return regular.Count == 1
                ? regular[0]
                : throw ApiError.BadRequest($"a container name must be specified for pod {call.NameOrEmpty}, choose one of: [{string.Join(" ", regular)}]");
        }

        return names.Contains(asked) ? asked : throw ApiError.BadRequest($"container {asked} is not valid for pod {call.NameOrEmpty}");
    }
}
