using System.Collections.Concurrent;
using System.Net;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>
/// A scripted API server on Kestrel (loopback, a free port): the test's handler answers each request; every request
/// line (method, path and query) is recorded. Watch answers are newline-delimited JSON events, flushed one by one,
/// as kube-apiserver sends them.
/// </summary>
public sealed class MockKubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MockKubeApiServer(WebApplication app, Uri uri) => (_app, Uri) = (app, uri);

    public Uri Uri { get; }

    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<MockKubeApiServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        MockKubeApiServer? server = null;
        app.Run(async context =>
        {
            server!.Requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new MockKubeApiServer(app, new Uri(address));
        return server;
    }

    public IKubernetes Client() => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Uri.ToString() });

    public static async Task JsonAsync(HttpContext context, string json, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }

    /// <summary>A Status error the way kube-apiserver writes it.</summary>
    public static Task StatusAsync(HttpContext context, int code, string reason, string message = "") => JsonAsync(context,
        $$"""{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"{{message}}","reason":"{{reason}}","code":{{code}}}""", code);

    /// <summary>Writes watch events one line each, then ends the stream unless <paramref name="holdOpen"/>.</summary>
    public static async Task WatchAsync(HttpContext context, IEnumerable<string> events, bool holdOpen = false)
    {
        context.Response.ContentType = "application/json";
        foreach (var line in events)
        {
            await context.Response.WriteAsync(line + "\n");
            await context.Response.Body.FlushAsync();
        }
        if (holdOpen) await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public static string Event(string type, string objectJson) => $$"""{"type":"{{type}}","object":{{objectJson}}}""";

    public static string Pod(string name, string resourceVersion, string ns = "ml") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns +
        "\",\"resourceVersion\":\"" + resourceVersion +
        "\",\"labels\":{\"app.kubernetes.io/managed-by\":\"llm-operator\",\"app.kubernetes.io/instance\":\"tiny\"}}}";

    public static string List(string kind, string resourceVersion, params string[] items) =>
        $$"""{"apiVersion":"v1","kind":"{{kind}}","metadata":{"resourceVersion":"{{resourceVersion}}"},"items":[{{string.Join(",", items)}}]}""";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
