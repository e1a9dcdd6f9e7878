namespace LlmOperator.LocalCluster.Api.Auditing;

/// <summary>
/// An observer of every resource request the API server resolves, told before the request is handled (where
/// kube-apiserver authorizes). Set on <see cref="ApiServerOptions.Audit"/>; when none is set nothing is built or
/// called. Called concurrently, from the request's thread: implementations must be thread-safe and quick.
/// </summary>
public interface IRequestRecorder
{
    void Record(RequestAttributes request);
}
