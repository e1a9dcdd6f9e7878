namespace LlmOperator.Charts.Tests.Crds;

/// <summary>Helm installs charts/llm-operator/crds/; `operator crds` and the docs use crds/: they must be the same CRDs.</summary>
public sealed class CrdCopyTests
{
    [Fact]
    public void ChartCrds_Should_BeByteIdenticalToTheRepositorys_When_Compared()
    {
        string source = RepositoryPaths.Of("crds"), copy = ChartFiles.Of("crds");
        var sourceFiles = Directory.GetFiles(source, "*.yaml").Select(Path.GetFileName).Order().ToList();
        var copyFiles = Directory.GetFiles(copy).Select(Path.GetFileName).Order().ToList();

        Assert.NotEmpty(sourceFiles);
        Assert.Equal(sourceFiles, copyFiles);
        foreach (var file in sourceFiles)
            Assert.True(File.ReadAllBytes(Path.Combine(source, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(copy, file!))),
                $"charts/llm-operator/crds/{file} differs from crds/{file}; run: cp crds/*.yaml charts/llm-operator/crds/");
    }
}
