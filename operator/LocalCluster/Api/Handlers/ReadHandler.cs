using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Api.Selection;
using LlmOperator.LocalCluster.Storage;

namespace LlmOperator.LocalCluster.Api.Handlers;

/// <summary>GET of one object and LIST of a collection, as JSON, Table or PartialObjectMetadata.</summary>
public sealed class ReadHandler(ApiServices services)
{
    public async Task GetAsync(ApiCall call)
    {
        var obj = services.Store.Get(call.Type, call.Path.Namespace, call.NameOrEmpty)
            ?? throw ApiError.NotFound(call.Type, call.NameOrEmpty);
        // GET .../status answers the whole object, as kube-apiserver does.
        var shape = OutputShape.From(call.Context.Request.Headers.Accept, call.Query("includeObject"));
        await ApiResponses.WriteJsonAsync(call.Context, 200, shape.Single(call.Type, obj));
    }

    /// <summary>
    /// A list, filtered by label and field selectors, optionally paged. resourceVersion "" / "0" /
    /// a version not newer than the store's are all answered with the current state (NotOlderThan);
    /// resourceVersionMatch=Exact is honoured only for the current version (older ones are 410).
    /// </summary>
    public async Task ListAsync(ApiCall call)
    {
        var filter = ObjectFilter.Parse(call.Query("labelSelector"), call.Query("fieldSelector"), call.Type);
        var limit = call.QueryNumber("limit");
        ListPager.Page page;
        if (call.Query("continue") is { Length: > 0 } token)
        {
            page = services.Pager.Next(token, limit);
        }
        else
        {
            // Selectors filter in the store, so objects they leave out are never copied.
            var (items, rv) = services.Store.List(call.Type, call.Path.Namespace, filter.Matches);
            CheckRequestedVersion(call, rv);
            page = services.Pager.First(items, rv, limit);
        }

        var shape = OutputShape.From(call.Context.Request.Headers.Accept, call.Query("includeObject"));
        var body = shape.List(call.Type, page.Items, page.ResourceVersion, page.Continue, page.Remaining);
        await ApiResponses.WriteJsonAsync(call.Context, 200, body);
    }

    private static void CheckRequestedVersion(ApiCall call, long current)
    {
        var requested = call.Query("resourceVersion");
        if (string.IsNullOrEmpty(requested) || requested == "0") return;
        if (!long.TryParse(requested, out var version) || version < 0)
        {
            throw ApiError.BadRequest($"invalid resourceVersion \"{requested}\": must be a non-negative integer");
        }

        if (version > current)
        {
            throw new ApiError(504, "Timeout", $"Too large resource version: {version}, current: {current}");
        }

        if (call.Query("resourceVersionMatch") == "Exact" && version != current)
        {
            throw ApiError.Gone($"too old resource version: {version} ({current})");
        }
    }
}
