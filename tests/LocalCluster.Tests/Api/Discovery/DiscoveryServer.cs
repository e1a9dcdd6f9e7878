using System.Net;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Api.Discovery;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Tests.Api.Discovery;

/// <summary>Kestrel on a free loopback port serving only the discovery endpoints, with a client for it.</summary>
public sealed class DiscoveryServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DiscoveryServer(WebApplication app, ResourceRegistry registry, HttpClient client)
    {
        _app = app;
        Registry = registry;
        Client = client;
    }

    public ResourceRegistry Registry { get; }

    public HttpClient Client { get; }

    public Dictionary<HttpResponseMessage, string> RawContentTypes { get; } = new();

    public static async Task<DiscoveryServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var registry = new ResourceRegistry();
        DiscoveryEndpoints.Map(app, registry);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        return new DiscoveryServer(app, registry, client);
    }

    /// <summary>
    /// GETs a path. The Content-Type header is kept as sent (in <see cref="RawContentTypes"/>): reading the
    /// body makes HttpClient parse and re-space it.
    /// </summary>
    public async Task<(HttpResponseMessage Response, JsonObject Body)> GetAsync(string path, string accept = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await Client.SendAsync(request);
        RawContentTypes[response] = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var raw) ? raw.ToString() : "";
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
