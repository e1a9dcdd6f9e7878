using System.Net;
using LlmOperator.LocalCluster.Api.Discovery;
using LlmOperator.LocalCluster.Api.Http;
using LlmOperator.LocalCluster.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmOperator.LocalCluster.Api;

/// <summary>
/// The local Kubernetes API server: Kestrel on 127.0.0.1 over plain HTTP, serving discovery, /version,
/// OpenAPI and the REST API of every kind in the registry. Dispose to stop it; open watches end.
/// </summary>
public sealed class ApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ApiServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The base URL clients use, e.g. http://127.0.0.1:41234.</summary>
    public Uri Address { get; }

    public static async Task<ApiServer> StartAsync(ApiServices services, ILoggerFactory? loggers, CancellationToken cancellationToken)
    {
        var options = services.Options.Validated();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (loggers is not null) builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            // Watches and followed logs stay open for as long as clients want them.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(10);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<IHostLifetime, OwnerStoppedLifetime>();

        var app = builder.Build();
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var logger = (loggers ?? app.Services.GetRequiredService<ILoggerFactory>()).CreateLogger("LocalCluster.ApiServer");
        var endpoint = new ResourceEndpoint(services, logger, stopping);

        DiscoveryEndpoints.Map(app, services.Registry);
        FaultEndpoints.Map(app, services.Faults);
        app.Map("/api/{version}/{**rest}", (HttpContext c, string version, string? rest) => endpoint.HandleAsync(c, "", version, rest));
        app.Map("/apis/{group}/{version}/{**rest}", (HttpContext c, string group, string version, string? rest) => endpoint.HandleAsync(c, group, version, rest));
        app.MapFallback((HttpContext c) => ApiResponses.WriteErrorAsync(c, ResourceEndpoint.NotFound()));

        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiServer(app, new Uri(bound.Replace("[::1]", "127.0.0.1")));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
