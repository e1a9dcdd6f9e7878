using LlmOperator.Operator.Webhooks.Admission;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>One webhook: the path it is served on and its answer to a request.</summary>
public interface IAdmissionHandler
{
    /// <summary>The URL path the webhook configuration's clientConfig points at.</summary>
    string Path { get; }

    /// <summary>The answer; never throws for what is in the request (bad input is a denial that says why).</summary>
    Task<AdmissionResponse> ReviewAsync(AdmissionRequest request, CancellationToken cancellationToken);
}
