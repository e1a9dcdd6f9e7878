using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Operator.Reconciliation.Probing;

/// <summary>
/// POSTs the probe to <c>/v1/completions</c> of one pod, straight to the pod (not through the Service, which would
/// pick any pod): status.podIP and the container port, or the host port a local cluster's kubelet published in the
/// pod annotation <c>localcluster.llmoperator.dev/port-8000</c> (all its pods share the loopback address).
/// </summary>
public sealed class HttpLongContextProber(HttpClient http) : ILongContextProber
{
    public const string LocalPortAnnotation = "localcluster.llmoperator.dev/port-";

    public async Task<ProbeResult> ProbeAsync(LongContextProbe probe, V1Pod pod, CancellationToken cancellationToken)
    {
        if (AddressOf(pod) is not { } address) return new ProbeResult(false, $"pod {pod.Metadata.Name} has no IP yet");
        var body = new JsonObject
        {
            ["model"] = probe.Model,
            ["prompt"] = new JsonArray(probe.TokenIds().Select(id => (JsonNode)id).ToArray()),
            ["max_tokens"] = probe.MaxTokens,
            ["temperature"] = 0,
        };
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/v1/completions")) { Content = JsonContent.Create(body) };
            if (probe.ApiKey is { } key) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key.Value);
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return new ProbeResult(false, $"HTTP {(int)response.StatusCode} from {address}: {Shorten(text)}");
            using var json = JsonDocument.Parse(text);
            int choices = json.RootElement.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c.GetArrayLength() : 0;
            return choices > 0
                ? new ProbeResult(true, $"{probe.PromptTokens}-token prompt ({probe.ChunkBoundaries} chunk boundaries) answered by {pod.Metadata.Name}")
                : new ProbeResult(false, $"no choices in the answer of {address}: {Shorten(text)}");
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(false, $"{address}: {e.Message}");
        }
    }

    /// <summary>The pod's engine endpoint, or null before it has an IP.</summary>
    public static Uri? AddressOf(V1Pod pod)
    {
        if (string.IsNullOrEmpty(pod.Status?.PodIP)) return null;
        int port = EngineCommand.ContainerPort;
        var annotation = LocalPortAnnotation + port.ToString(CultureInfo.InvariantCulture);
        if (pod.Metadata.Annotations?.TryGetValue(annotation, out var hostPort) == true && int.TryParse(hostPort, out var p)) port = p;
        var host = pod.Status.PodIP.Contains(':', StringComparison.Ordinal) ? $"[{pod.Status.PodIP}]" : pod.Status.PodIP;
        return new Uri($"http://{host}:{port}");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
