using System.Net;
using k8s.Autorest;

namespace LlmOperator.Operator.Tests.Fakes;

/// <summary>The exceptions KubernetesClient throws for API errors, for fakes that answer like an API server.</summary>
public static class ApiErrors
{
    public static HttpOperationException Http(HttpStatusCode code, string message = "")
    {
        var response = new HttpResponseMessage(code);
        return new HttpOperationException($"Operation returned an invalid status code '{code}' {message}")
        {
            Response = new HttpResponseMessageWrapper(response, message),
        };
    }
}
