using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmOperator.Engine.Tests.Server;

/// <summary>Raw HTTP helpers for the API tests: JSON posts, SSE streams read event by event, Prometheus samples.</summary>
internal static partial class ApiClient
{
    /// <summary>
    /// A client that really hangs up: by default SocketsHttpHandler drains up to 1 MiB of an abandoned response to
    /// reuse the connection — a whole long stream, so the server never learns the client left. A browser tab or a
    /// killed process closes the connection; with no drain, disposing an unfinished response does the same.
    /// </summary>
    public static HttpClient HangingUpClient(Uri baseAddress, string? apiKey = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
        if (apiKey is not null) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, string json, CancellationToken cancellation = default) =>
        http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellation);

    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string path, object body, CancellationToken cancellation = default) =>
        http.PostAsJsonAsync(path, body, cancellation);

    /// <summary>Sends a streamed request and yields each <c>data:</c> payload (the last one is "[DONE]").</summary>
    public static async IAsyncEnumerable<string> StreamAsync(this HttpClient http, string path, object body,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
        // The body only on failure: an Assert.True message argument is evaluated first, and reading it would buffer
        // the whole stream before the first event (a client meant to hang up midway would read to the end).
        if (!response.IsSuccessStatusCode) Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellation)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellation));
        while (await reader.ReadLineAsync(cancellation) is { } line)
        {
            // A fast server keeps the reader's buffer full, and a buffered line is returned without looking at the
            // token: check it, or a client that hangs up would read on to the end.
            cancellation.ThrowIfCancellationRequested();
            if (line.Length == 0) continue;
            Assert.StartsWith("data: ", line);
            yield return line["data: ".Length..];
        }
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>The sum of a metric's samples over the label sets holding every one of <paramref name="labels"/> (0 when absent).</summary>
    public static double Sample(string exposition, string name, params string[] labels)
    {
        double sum = 0;
        foreach (Match m in SampleLine().Matches(exposition))
            if (m.Groups["name"].Value == name && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
                sum += double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return sum;
    }

    public static async Task<string> MetricsAsync(this HttpClient http) => await http.GetStringAsync("/metrics");

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^}]*\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
