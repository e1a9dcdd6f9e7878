using LlmOperator.LocalCluster.Api.Auditing;
using LlmOperator.LocalCluster.Api.Handlers;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Api;

/// <summary>
/// Routes a request under <c>/api/v1</c> or <c>/apis/{group}/{version}</c> to its handler by method and
/// subresource, after fault injection, and turns every failure into a Status response: ApiErrors with
/// their code and reason, anything unexpected as 500 InternalError.
/// </summary>
public sealed class ResourceEndpoint(ApiServices services, ILogger logger, CancellationToken serverStopping)
{
    private readonly WritePipeline _pipeline = new(services);

    public async Task HandleAsync(HttpContext context, string group, string version, string? rest)
    {
        try
        {
            var segments = (rest ?? "").Split('/');
            var path = ResourcePath.Parse(services.Registry, group, version, segments) ?? throw NotFound();
            var call = new ApiCall(context, path);
            // Where kube-apiserver authorizes: before faults and handlers, so refused and failed requests count too.
            services.Options.Audit?.Record(RequestAttributes.Of(call));
            await services.Faults.BeforeRequestAsync(call.Verb, path.Resource, context.RequestAborted);
            await DispatchAsync(call);
        }
        catch (ApiError e) when (!context.Response.HasStarted)
        {
            await ApiResponses.WriteErrorAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await ApiResponses.WriteErrorAsync(context, ApiError.Internal($"an error on the server ({e.GetType().Name}: {e.Message}) has prevented the request from succeeding"));
        }
    }

    /// <summary>The Status kube-apiserver answers for a path it does not serve.</summary>
    public static ApiError NotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new System.Text.Json.Nodes.JsonObject());

    private Task DispatchAsync(ApiCall call)
    {
        var method = call.Context.Request.Method;
        return call.Path.Subresource switch
        {
            null => DispatchMainAsync(call, method),
            "status" when call.Type.HasStatusSubresource => method switch
            {
                "GET" => new ReadHandler(services).GetAsync(call),
                "PUT" => new WriteHandler(services, _pipeline).ReplaceAsync(call, ObjectStore.UpdateScope.Status),
                "PATCH" => new PatchHandler(services, _pipeline).PatchAsync(call, ObjectStore.UpdateScope.Status),
                _ => throw NotAllowed(call),
            },
            "scale" when ScaleHandler.Serves(call.Type) => method switch
            {
                "GET" => new ScaleHandler(_pipeline).GetAsync(call),
                "PUT" => new ScaleHandler(_pipeline).ReplaceAsync(call),
                "PATCH" => new ScaleHandler(_pipeline).PatchAsync(call),
                _ => throw NotAllowed(call),
            },
            "log" when call.Type.GroupResource == BuiltInTypes.Pods.GroupResource => method == "GET"
                ? new PodLogHandler(services).GetAsync(call)
                : throw NotAllowed(call),
            _ => throw NotFound(),
        };
    }

    private Task DispatchMainAsync(ApiCall call, string method)
    {
        var collection = call.Path.IsCollection;
        return (method, collection) switch
        {
            ("GET", false) => new ReadHandler(services).GetAsync(call),
            ("GET", true) when call.IsWatch => new WatchHandler(services, serverStopping).WatchAsync(call),
            ("GET", true) => new ReadHandler(services).ListAsync(call),
            ("POST", true) => new WriteHandler(services, _pipeline).CreateAsync(call),
            ("PUT", false) => new WriteHandler(services, _pipeline).ReplaceAsync(call, ObjectStore.UpdateScope.Main),
            ("PATCH", false) => new PatchHandler(services, _pipeline).PatchAsync(call, ObjectStore.UpdateScope.Main),
            ("DELETE", false) => new WriteHandler(services, _pipeline).DeleteAsync(call),
            ("DELETE", true) => new WriteHandler(services, _pipeline).DeleteCollectionAsync(call),
            _ => throw NotAllowed(call),
        };
    }

    private static ApiError NotAllowed(ApiCall call) =>
        ApiError.MethodNotAllowed($"the server does not allow this method on the requested resource ({call.Context.Request.Method} {call.Path.Resource})");
}
