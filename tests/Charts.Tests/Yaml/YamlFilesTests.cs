using System.Text.Json;

namespace LlmOperator.Charts.Tests.Yaml;

public sealed class YamlFilesTests
{
    /// <summary>Every YAML file of charts/ and examples/ that is not a Helm template (those need rendering first).</summary>
    public static TheoryData<string> PlainYamlFiles()
    {
        var files = new TheoryData<string>();
        foreach (var folder in new[] { "charts", "examples" })
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Of(folder), "*.*", SearchOption.AllDirectories)
                     .Where(f => Path.GetExtension(f) is ".yaml" or ".yml")
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}templates{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
            files.Add(Path.GetRelativePath(RepositoryPaths.Root, file));
        return files;
    }

    [Theory]
    [MemberData(nameof(PlainYamlFiles))]
    public void Documents_Should_Parse_When_AFileOfChartsOrExamplesIsRead(string file)
    {
        var documents = YamlJson.Documents(File.ReadAllText(RepositoryPaths.Of(file)), file);

        Assert.NotEmpty(documents);
    }

    [Fact]
    public void JsonFiles_Should_Parse_When_TheChartHoldsThem()
    {
        var files = Directory.GetFiles(ChartFiles.Directory, "*.json", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var error = Record.Exception(() => JsonDocument.Parse(File.ReadAllText(file)).Dispose());
            Assert.True(error is null, $"{file}: {error?.Message}");
        }
    }

    [Fact]
    public void Documents_Should_NameTheFileAndLine_When_AKeyRepeats()
    {
        var error = Assert.Throws<YamlFormatException>(() => YamlJson.Documents("a: 1\nb:\n  c: 2\n  c: 3\n", "bad.yaml"));

        Assert.StartsWith("bad.yaml:4", error.Message);
        Assert.Contains("duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
