using LlmOperator.Charts.Tests.Rendering;
using System.Text.Json;
using LlmOperator.Operator.Cli;
using LlmOperator.Operator.Entities;
using LlmOperator.Operator.Reconciliation.DesiredState;

namespace LlmOperator.Charts.Tests.Images;

/// <summary>
/// The images cannot be built here (no container engine), so what the chart and the operator rely on is read from the
/// Dockerfiles: the final stage's entrypoint and its numeric user.
/// </summary>
public sealed class DockerfileTests
{
    private sealed record FinalStage(string From, string? User, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Lines);

    private static FinalStage Read(string dockerfile)
    {
        var lines = File.ReadAllLines(RepositoryPaths.Of(dockerfile)).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        int from = lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        var stage = lines[from..];
        string? Last(string instruction) => stage.LastOrDefault(l => l.StartsWith(instruction + " ", StringComparison.Ordinal))?[(instruction.Length + 1)..].Trim();
        // The exec form only: a shell-form ENTRYPOINT would run under /bin/sh and swallow SIGTERM.
        var entrypoint = JsonSerializer.Deserialize<string[]>(Last("ENTRYPOINT") ?? throw new InvalidOperationException($"{dockerfile}: no ENTRYPOINT in the final stage"))!;
        return new FinalStage(stage[0][5..].Trim(), Last("USER"), entrypoint, stage);
    }

    [Fact]
    public void OperatorImage_Should_StartRunAsTheChartsUser_When_TheChartDeploysIt()
    {
        var image = Read("operator/Dockerfile");
        var pod = ChartRenderer.Documents().Single(d => d.Kind == "Deployment").Json["spec"]!["template"]!["spec"]!;

        Assert.Equal(["dotnet", typeof(RunCommand).Assembly.GetName().Name + ".dll", "run"], image.Entrypoint);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", image.From); // Operator.csproj references Microsoft.AspNetCore.App
        Assert.Equal($"{(long)pod["securityContext"]!["runAsUser"]!}:{(long)pod["securityContext"]!["runAsGroup"]!}", image.User);
    }

    [Fact]
    public void EngineImage_Should_ProvideTheCommandTheOperatorPutsIntoEnginePods_When_RunAsNonRoot()
    {
        var image = Read("engine/Dockerfile");
        var (command, _) = EngineCommand.For(new ModelDeploymentSpec(), "/models/m", "m");

        Assert.Equal(command, image.Entrypoint);
        Assert.Contains(image.Lines, l => l.Contains($"/usr/local/bin/{command[0]}", StringComparison.Ordinal));
        Assert.StartsWith("nvidia/cuda:12.", image.From);
        // Engine pods say runAsNonRoot without a runAsUser: the kubelet accepts only a numeric, non-zero image user.
        Assert.True(image.User?.Split(':')[0] is { } uid && int.TryParse(uid, out int id) && id > 0, $"USER {image.User}");
    }
}
