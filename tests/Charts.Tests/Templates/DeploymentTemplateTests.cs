using k8s.Models;
using LlmOperator.Charts.Tests.Rendering;
using LlmOperator.Operator.Cli;

namespace LlmOperator.Charts.Tests.Templates;

/// <summary>The operator's Deployment as the chart renders it (<see cref="ChartRenderer"/>), with the default values unless named.</summary>
public sealed class DeploymentTemplateTests
{
    private static readonly V1PodSpec Pod = PodOf(ChartRenderer.Documents());
    private static readonly V1Container Container = Assert.Single(Pod.Containers);

    private static V1PodSpec PodOf(IEnumerable<RenderedDocument> documents) =>
        documents.Single(d => d.Kind == "Deployment").As<V1Deployment>().Spec.Template.Spec;

    [Fact]
    public void Container_Should_RunRestricted_When_Deployed()
    {
        var security = Container.SecurityContext;

        Assert.Equal((true, true, false), (security.RunAsNonRoot, security.ReadOnlyRootFilesystem, security.AllowPrivilegeEscalation));
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
    }

    [Theory]
    [MemberData(nameof(RenderScenario.Names), MemberType = typeof(RenderScenario))]
    public void Pod_Should_PassTheRestrictedPodSecurityStandard_When_AnyValues(string scenario)
    {
        var s = RenderScenario.All[scenario];

        Assert.Empty(RestrictedPodSecurity.Violations(PodOf(ChartRenderer.Documents(s.ValuesObject, s.Release, s.Namespace))));
    }

    [Fact]
    public void Pod_Should_RunAsNonRootWithTheDefaultSeccompProfile_When_Deployed()
    {
        Assert.Equal((true, 65532L), (Pod.SecurityContext.RunAsNonRoot, Pod.SecurityContext.RunAsUser)); // the USER of operator/Dockerfile
        Assert.Equal("RuntimeDefault", Pod.SecurityContext.SeccompProfile.Type);
    }

    [Fact]
    public void Pod_Should_MountAnEmptyDirOnTmp_When_TheRootFileSystemIsReadOnly()
    {
        var tmp = Container.VolumeMounts.Single(m => m.MountPath == "/tmp");

        Assert.NotNull(Pod.Volumes.Single(v => v.Name == tmp.Name).EmptyDir);
    }

    [Fact]
    public void Probes_Should_AskHealthzAndReadyzOnTheMetricsPort_When_Deployed()
    {
        var metrics = (int)ChartFiles.Values["metrics"]!["port"]!.GetValue<long>();

        Assert.Equal(metrics, Container.Ports.Single(p => p.Name == "metrics").ContainerPort);
        Assert.Equal(("/healthz", "metrics"), (Container.LivenessProbe.HttpGet.Path, Container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "metrics"), (Container.ReadinessProbe.HttpGet.Path, Container.ReadinessProbe.HttpGet.Port.Value));
    }

    [Fact]
    public void Env_Should_GivePodNamespaceFromTheFieldRef_When_Deployed() =>
        Assert.Equal("metadata.namespace", Container.Env.Single(e => e.Name == "POD_NAMESPACE").ValueFrom.FieldRef.FieldPath);

    /// <summary>
    /// Every flag the chart passes, in each of its shapes (the self-managed certificate, cert-manager's, no webhooks,
    /// one watched namespace, another release), is one `run` knows, with a value it accepts, naming this release's
    /// resources: its Lease, webhook Service, webhook configurations and certificate Secret.
    /// </summary>
    [Theory]
    [MemberData(nameof(RenderScenario.Names), MemberType = typeof(RenderScenario))]
    public void Args_Should_ParseWithTheOperatorsRunCommand_And_NameTheReleasesResources_When_AnyValues(string scenario)
    {
        var s = RenderScenario.All[scenario];
        var documents = ChartRenderer.Documents(s.ValuesObject, s.Release, s.Namespace);
        var container = Assert.Single(PodOf(documents).Containers);

        var parse = RunCommand.Create().Parse(container.Args.ToArray());

        Assert.True(parse.Errors.Count == 0, string.Join("; ", parse.Errors.Select(e => e.Message)) + " in " + string.Join(' ', container.Args));
        var options = RunCommand.OptionsFrom(parse, podNamespace: s.Namespace);
        var fullname = documents.Single(d => d.Kind == "Deployment").Name;
        var values = ChartFiles.Values;
        Assert.Equal(((int)values["metrics"]!["port"]!.GetValue<long>(), (int)values["concurrency"]!.GetValue<long>()), (options.MetricsPort, options.Concurrency));
        Assert.True(options.LeaderElect);
        Assert.Equal(fullname + "-leader", options.LeaseName); // the Lease templates/rbac.yaml's Role names
        var webhookService = documents.SingleOrDefault(d => d.Kind == "Service" && d.Name.EndsWith("-webhook", StringComparison.Ordinal));
        if (webhookService is null)
        {
            Assert.Null(options.WebhookPort);
            return;
        }
        Assert.Equal((webhookService.Name, fullname), (options.WebhookServiceName, options.WebhookConfigurationName));
        Assert.Equal((int)values["webhook"]!["port"]!.GetValue<long>(), options.WebhookPort);
        var certificateSecret = options.WebhookCertificateSecret ?? documents.Single(d => d.Kind == "Certificate").Json["spec"]!["secretName"]!.ToString();
        Assert.Equal(fullname + "-webhook-tls", certificateSecret);
        if (options.WebhookCertificateDirectory is { } directory)
            Assert.Equal(directory, container.VolumeMounts.Single(m => m.Name == "webhook-tls").MountPath);
    }
}
