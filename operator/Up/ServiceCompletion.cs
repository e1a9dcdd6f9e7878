using System.Net.Http.Json;
using System.Text.Json.Nodes;
using k8s;

namespace LlmOperator.Operator.Up;

/// <summary>
/// One OpenAI completion through a Service, as a client in the cluster would send it: the local service proxy gives
/// each Service port a loopback port (annotation <c>localcluster.llmoperator.dev/proxy-port-PORT</c>) balancing over
/// the Service's Ready pods.
/// </summary>
public static class ServiceCompletion
{
    public const string ProxyPortAnnotationPrefix = "localcluster.llmoperator.dev/proxy-port-";

    /// <summary>The Service's first port's loopback URL, once the proxy has given it one.</summary>
    public static async Task<Uri> ProxyAddressAsync(IKubernetes client, string ns, string service, CancellationToken cancellationToken)
    {
        while (true)
        {
            var svc = await client.CoreV1.ReadNamespacedServiceAsync(service, ns, cancellationToken: cancellationToken);
            var port = svc.Spec.Ports[0].Port;
            if (svc.Metadata.Annotations?.TryGetValue(ProxyPortAnnotationPrefix + port, out var proxy) == true)
                return new Uri($"http://127.0.0.1:{proxy}");
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>POST /v1/completions (greedy, <paramref name="maxTokens"/> tokens); returns the generated text.</summary>
    public static async Task<string> CompleteAsync(Uri address, string model, string prompt, int maxTokens, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        using var response = await http.PostAsJsonAsync("/v1/completions",
            new { model, prompt, max_tokens = maxTokens, temperature = 0 }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new UpException($"POST {address}v1/completions answered {(int)response.StatusCode}: {body}");
        return (string?)JsonNode.Parse(body)?["choices"]?[0]?["text"]
            ?? throw new UpException($"POST {address}v1/completions answered without choices[0].text: {body}");
    }
}
