using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.Rules.Contract;

namespace LlmOperator.LocalCluster.Kubelet.StandIn;

/// <summary>
/// The <c>llmoperator/stand-in</c> image: a container with no process that answers the engine's HTTP contract
/// (<c>/health</c>, <c>/ready</c>, <c>/v1/models</c>, <c>/v1/completions</c>, <c>/v1/chat/completions</c>) from inside
/// the kubelet, ready at once, for scale tests where 500 engine processes would not fit on the machine. It runs no
/// model: completions come back empty with <c>finish_reason: "length"</c>. Chaos flags make it fail as the engine
/// does — HTTP 500 naming the failure, the termination message in the file, the class's exit code — and SIGTERM
/// ends it with 0, SIGKILL with 137.
/// </summary>
internal sealed class StandInContainer : IContainerInstance
{
    private readonly StandInSettings _settings;
    private readonly string _terminationFile;
    private readonly ContainerLog _log;
    private readonly StandInServer _server;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Timer? _chaosTimer;
    private readonly int _port;
    private int _requests;
    private volatile string? _failure;

    public StandInContainer(ContainerLaunch launch, ContainerLog log, StandInServer server)
    {
        _settings = StandInSettings.Parse(launch.Process.Arguments, launch.Process.Environment);
        _terminationFile = launch.TerminationMessageFile;
        _log = log;
        _server = server;
        _port = _settings.Port ?? throw new ContainerStartException(ContainerStartException.StartError,
            "the stand-in image needs a port: declare a containerPort or pass --port");
        server.Register(_port, this);
        log.Append($"stand-in for the engine ({ImageMap.StandInRepository}): no process, no model; " +
                   $"serving {string.Join(", ", _settings.ServedModelNames)} on http://127.0.0.1:{_port}");
        if (_settings.Chaos?.AfterTime is { } delay) _chaosTimer = new Timer(_ => Fail(), null, delay, Timeout.InfiniteTimeSpan);
    }

    public string ContainerId { get; } = "localcluster://" + Guid.NewGuid().ToString("N");

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public int? ProcessId => null;

    public Task<int> Exited => _exited.Task;

    public void Terminate() => Exit(0);

    public void Kill() => Exit(137);

    public async Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url?.AbsolutePath ?? "/";
        var (status, body) = context.Request.HttpMethod == "POST" && path is "/v1/completions" or "/v1/chat/completions"
            ? await CompleteAsync(context.Request, path)
            : Get(context.Request.HttpMethod, path);
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
        if (_failure is not null) Exit((int)_settings.Chaos!.Class);
    }

    /// <summary>
    /// The answer to an HTTP GET probe, from the same routes that serve HTTP clients, without a connection: the
    /// kubelet probes the stand-in in-process, so that hundreds of them cost no sockets (a burst of 500 startup
    /// probes over HTTP timed out on a busy 2-core machine).
    /// </summary>
    public int ProbeStatus(string path) => Get("GET", path).Status;

    private (int Status, JsonObject Body) Get(string method, string path) => (method, path) switch
    {
        ("GET", "/health" or "/ready") => (_failure is null ? 200 : 503, Health()),
        ("GET", "/v1/models") => (200, Models()),
        _ => (404, Error($"no route for {method} {path}", "invalid_request_error", "not_found")),
    };

    private async Task<(int, JsonObject)> CompleteAsync(HttpListenerRequest request, string path)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        var prompt = await reader.ReadToEndAsync();
        if (_failure is not null || (_settings.Chaos?.AfterRequests is { } n && Interlocked.Increment(ref _requests) == n && Fail()))
        {
            return (500, Error($"{_settings.Chaos!.Class}: {_settings.Chaos.Text}", "server_error", _settings.Chaos.Class.ToString()));
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(prompt.Length > 0 ? prompt : "{}");
        }
        catch (System.Text.Json.JsonException e)
        {
            return (400, Error($"the request body is not JSON: {e.Message}", "invalid_request_error", "invalid_json"));
        }

        var model = (json as JsonObject)?["model"] is JsonValue named && named.TryGetValue<string>(out var m) ? m : _settings.ServedModelNames[0];
        var promptTokens = prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var chat = path.EndsWith("chat/completions", StringComparison.Ordinal);
        JsonNode choice = chat
            ? new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "" }, ["finish_reason"] = "length" }
            : new JsonObject { ["index"] = 0, ["text"] = "", ["logprobs"] = null, ["finish_reason"] = "length" };
        return (200, new JsonObject
        {
            ["id"] = $"cmpl-standin-{Guid.NewGuid():N}",
            ["object"] = chat ? "chat.completion" : "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = model,
            ["choices"] = new JsonArray(choice),
            ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = 0, ["total_tokens"] = promptTokens },
        });
    }

    /// <summary>Records the failure as the engine's failure path does; true for the caller's condition chain.</summary>
    private bool Fail()
    {
        var chaos = _settings.Chaos!;
        if (Interlocked.CompareExchange(ref _failure, chaos.Class.ToString(), null) is not null) return true;
        var line = TerminationMessage.For(chaos.Class, chaos.Text, _settings.Settings).ToJsonLine();
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_terminationFile)!);
            File.WriteAllText(_terminationFile, line);
        }
        catch (IOException e)
        {
            _log.Append($"warning: could not write the termination message to {_terminationFile}: {e.Message}");
        }

        _log.Append($"error: {chaos.Text}");
        _log.Append($"termination message: {line}");
        if (chaos.AfterRequests is null) Exit((int)chaos.Class);
        return true;
    }

    private JsonObject Health() => new()
    {
        ["status"] = _failure is null ? "ready" : "failed",
        ["device"] = null,
        ["model"] = _settings.Settings["model"],
        ["reason"] = _failure,
    };

    private JsonObject Models() => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(_settings.ServedModelNames.Select(name => (JsonNode)new JsonObject
        {
            ["id"] = name, ["object"] = "model", ["created"] = new DateTimeOffset(StartedAt).ToUnixTimeSeconds(),
            ["owned_by"] = "llmoperator", ["root"] = _settings.Settings["model"], ["max_model_len"] = _settings.MaxModelLen,
        }).ToArray()),
    };

    private static JsonObject Error(string message, string type, string code) =>
        new() { ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["code"] = code } };

    private void Exit(int code)
    {
        if (!_exited.TrySetResult(code)) return;
        _chaosTimer?.Dispose();
        _server.Unregister(_port);
    }
}
