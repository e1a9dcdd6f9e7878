using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Tests.Webhooks.Support;

/// <summary>
/// A Kubernetes API server in-process for wire-level tests of KubernetesClient calls (cf. kubernetes-client/csharp's
/// MockKubeApiServer): Kestrel on loopback:0 storing objects by URL path, with GET (object or list), POST (409 when
/// it exists), PUT (409 on a stale resourceVersion), kube's Status bodies, and faults queued per method.
/// </summary>
internal sealed class MockKubeApiServer : IAsyncDisposable
{
    private static readonly string[] Collections =
        ["configmaps", "secrets", "modeldeployments", "validatingwebhookconfigurations", "mutatingwebhookconfigurations"];

    private readonly ConcurrentDictionary<string, JsonObject> _objects = new();
    private readonly ConcurrentQueue<(string Method, int Status, Action? Before)> _faults = new();
    private readonly WebApplication _app;
    private long _resourceVersion = 100;

    private MockKubeApiServer(WebApplication app) => _app = app;

    public ConcurrentQueue<string> Requests { get; } = new();

    public Uri Uri => new(_app.Urls.First());

    public static async Task<MockKubeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new MockKubeApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    public IKubernetes Client() => new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Uri.ToString() });

    /// <summary>Stores an object (a copy) at its path, with a fresh resourceVersion.</summary>
    public void Put(string path, object resource)
    {
        var obj = resource as JsonObject ?? (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(resource))!;
        obj = (JsonObject)obj.DeepClone();
        obj["metadata"] ??= new JsonObject();
        obj["metadata"]!["resourceVersion"] = Interlocked.Increment(ref _resourceVersion).ToString();
        _objects[path] = obj;
    }

    public JsonObject? Get(string path) => _objects.TryGetValue(path, out var obj) ? obj : null;

    /// <summary>The next <paramref name="method"/> request answers <paramref name="status"/>, after running <paramref name="before"/>.</summary>
    public void FailNext(string method, int status, Action? before = null) => _faults.Enqueue((method, status, before));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        string method = context.Request.Method, path = context.Request.Path.Value!.TrimEnd('/');
        Requests.Enqueue($"{method} {path}");
        if (_faults.TryPeek(out var fault) && fault.Method == method && _faults.TryDequeue(out fault))
        {
            fault.Before?.Invoke();
            await StatusAsync(context, fault.Status, "injected fault");
            return;
        }
        var body = method is "POST" or "PUT" ? (JsonObject?)await JsonNode.ParseAsync(context.Request.Body) : null;
        switch (method)
        {
            case "GET" when Get(path) is { } obj:
                await WriteAsync(context, 200, obj);
                break;
            case "GET" when Collections.Contains(path.Split('/')[^1]):
                var items = new JsonArray(_objects.Where(kv => kv.Key.StartsWith(path + "/", StringComparison.Ordinal) && !kv.Key[(path.Length + 1)..].Contains('/'))
                    .Select(kv => (JsonNode)kv.Value.DeepClone()).ToArray());
                await WriteAsync(context, 200, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["metadata"] = new JsonObject(), ["items"] = items });
                break;
            case "POST":
                string created = $"{path}/{body!["metadata"]!["name"]}";
                if (Get(created) is not null) { await StatusAsync(context, 409, "already exists"); break; }
                Put(created, body);
                await WriteAsync(context, 201, Get(created)!);
                break;
            case "PUT" when Get(path) is { } current:
                if ((string?)body!["metadata"]?["resourceVersion"] != (string?)current["metadata"]!["resourceVersion"])
                {
                    await StatusAsync(context, 409, "the object has been modified; please apply your changes to the latest version and try again");
                    break;
                }
                Put(path, body);
                await WriteAsync(context, 200, Get(path)!);
                break;
            default:
                await StatusAsync(context, 404, $"{path} not found");
                break;
        }
    }

    private static Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString());
    }

    private static Task StatusAsync(HttpContext context, int code, string message) => WriteAsync(context, code, new JsonObject
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["message"] = message, ["code"] = code,
        ["reason"] = code switch { 404 => "NotFound", 409 => "Conflict", 500 => "InternalError", _ => "Unknown" },
    });
}
