using LlmOperator.LocalCluster.Kubelet.Containers;
using LlmOperator.Operator.Entities;
using Microsoft.Extensions.Logging;

namespace LlmOperator.Operator.Up;

/// <summary>
/// <c>up</c>: the product on one machine. The engine (built if needed) makes the example's model into the node's
/// model cache if absent; the local control plane starts with the CRD, the operator and its webhooks; the example
/// is applied and waited for; one completion goes through its Service; then the process serves until stopped.
/// </summary>
public static class UpRunner
{
    public const string Example = "tiny-llama4.yaml";
    public const string Prompt = "Once upon a time";

    /// <summary>Starts everything and returns it running, or throws <see cref="UpException"/> naming the step that failed.</summary>
    public static async Task<LocalStack> StartAsync(UpOptions options, TextWriter stdout, ILoggerFactory clusterLoggers, CancellationToken cancellationToken)
    {
        var root = EngineLocator.RepositoryRoot()
            ?? throw new UpException($"no Operator.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}: run up from the repository");
        var manifest = Path.Combine(root, "examples", Example);
        var example = k8s.KubernetesYaml.Deserialize<V1Alpha1ModelDeployment>(await File.ReadAllTextAsync(manifest, cancellationToken));
        var model = example.Spec.Model.Name;

        var engine = await EngineTool.FindOrBuildAsync(stdout, cancellationToken);
        if (await EngineTool.EnsureModelAsync(engine, options.ModelCache, model, Preset(model), cancellationToken))
            await stdout.WriteLineAsync($"Made {model} (random weights) into the model cache {options.ModelCache}");

        var stack = await LocalStack.StartAsync(new LocalStackOptions
        {
            Port = options.Port, Kubeconfig = options.Kubeconfig, ModelCache = options.ModelCache,
            CrdDirectory = Path.Combine(root, "crds"), ClusterLoggers = clusterLoggers,
        }, cancellationToken);
        try
        {
            await stdout.WriteLineAsync($"Local cluster: API server {stack.Cluster.Address}, CRD installed, operator and admission webhooks running");
            await DeployAndAskAsync(stack, manifest, options, stdout, cancellationToken);
            PrintTryThis(stack, example, stdout);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private static async Task DeployAndAskAsync(LocalStack stack, string manifest, UpOptions options, TextWriter stdout, CancellationToken cancellationToken)
    {
        var created = await ModelDeploymentWait.CreateAsync(stack.Client, manifest, cancellationToken);
        var (ns, name) = (created.Metadata.NamespaceProperty, created.Metadata.Name);
        await stdout.WriteLineAsync($"Applied {Path.GetRelativePath(Environment.CurrentDirectory, manifest)}; waiting for {ns}/{name} to be Ready " +
                                    "(engine start, then the long-context proof of the revision):");
        var ready = await ModelDeploymentWait.UntilReadyAsync(stack.Client, ns, name, options.ReadyPatience, stdout, cancellationToken);
        var address = await ServiceCompletion.ProxyAddressAsync(stack.Client, ns, name, cancellationToken);
        var text = await ServiceCompletion.CompleteAsync(address, ready.Spec.Model.Name, Prompt, maxTokens: 16, cancellationToken);
        await stdout.WriteLineAsync($"Ready: revision {ready.Status?.CurrentRevision}, endpoint {ready.Status?.Endpoint}");
        await stdout.WriteLineAsync($"Completion through Service {ns}/{name} ({address}): {Quoted(Prompt)} → {Quoted(text)}");
        await stdout.WriteLineAsync("(random weights: the text is noise; the path is real)");
    }

    /// <summary>As a JSON string: random weights make control characters, which must not reach the terminal raw.</summary>
    private static string Quoted(string text) => System.Text.Json.JsonSerializer.Serialize(text,
        new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>The make-model preset of a catalog model: <c>llmoperator/tiny-llama4</c> → <c>tiny-llama4</c>.</summary>
    public static string Preset(string model) => model[(model.LastIndexOf('/') + 1)..];

    /// <summary>A merge patch whose pods raise the engine's injected device-side assert on their first request.</summary>
    public const string BadRollout = """{"spec":{"engine":{"extraArgs":["--chaos-failure","device-assert","--chaos-after-requests","1"]}}}""";

    private static void PrintTryThis(LocalStack stack, V1Alpha1ModelDeployment md, TextWriter stdout)
    {
        var name = md.Metadata.Name;
        var kubeconfig = Path.GetFullPath(stack.Cluster.KubeconfigPath);
        var proxy = $"$(kubectl get svc {name} -o jsonpath='{{.metadata.annotations.localcluster\\.llmoperator\\.dev/proxy-port-{md.Spec.Service.Port}}}')";
        stdout.Write($$"""

            Kubeconfig: {{kubeconfig}}
            Try, in another shell:
              export KUBECONFIG={{kubeconfig}}
              kubectl get md,deploy,pods,svc   # the ModelDeployment and what the operator made of it
              kubectl describe md {{name}}   # conditions, revisions, events
              curl http://127.0.0.1:{{proxy}}/v1/completions -H 'Content-Type: application/json' \
                -d '{"model": "{{md.Spec.Model.Name}}", "prompt": "Hello", "max_tokens": 8}'
              kubectl apply -f examples/invalid/tp-does-not-divide-heads.yaml   # refused by the admission webhook, with the fix
              # A bad rollout: the new pods hit a CUDA device-side assert on their first request; the operator rolls back.
              kubectl patch md {{name}} --type=merge -p '{{BadRollout}}'
              kubectl get md {{name}} -w   # Progressing, then RolledBack (Stalled until the spec changes)
              kubectl get events --field-selector involvedObject.name={{name}}
            Press Ctrl+C to stop (every process started here stops).

            """);
        stdout.Flush();
    }
}
