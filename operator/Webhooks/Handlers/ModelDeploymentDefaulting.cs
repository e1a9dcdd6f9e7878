using LlmOperator.Operator.Webhooks.Admission;

namespace LlmOperator.Operator.Webhooks.Handlers;

/// <summary>
/// The mutating (defaulting) webhook of ModelDeployments: a JSON patch of <see cref="ModelDeploymentDefaults"/>.
/// It never refuses: a spec it cannot make sense of is left for the schema check and the validating webhook,
/// which say what is wrong.
/// </summary>
public sealed class ModelDeploymentDefaulting : IAdmissionHandler
{
    public string Path => WebhookNames.MutateModelDeploymentPath;

    public Task<AdmissionResponse> ReviewAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        if (request.Operation is not ("CREATE" or "UPDATE") || request.Object is not { } obj || AdmissionObjects.Terminating(obj))
            return Task.FromResult(AdmissionResponse.Allow(request.Uid));
        return Task.FromResult(AdmissionResponse.Mutate(request.Uid, ModelDeploymentDefaults.Patch(obj)));
    }
}
