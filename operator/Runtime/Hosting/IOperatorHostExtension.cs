using Microsoft.AspNetCore.Builder;

namespace LlmOperator.Operator.Runtime.Hosting;

/// <summary>
/// The seam for parts of the operator that live in the same process and web host (the admission webhooks): add
/// services and Kestrel listeners before the host is built, endpoints after. The controller, metrics and health
/// endpoints are the host's own.
/// </summary>
public interface IOperatorHostExtension
{
    void ConfigureServices(WebApplicationBuilder builder, OperatorOptions options);

    void ConfigureApp(WebApplication app, OperatorOptions options);
}
