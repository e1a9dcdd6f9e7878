using System.Text.RegularExpressions;

namespace LlmOperator.Rules.Defects;

/// <summary>
/// A runtime version read from a spec or an image tag: <c>v0.8.3</c>, <c>0.8.5.post1</c>, <c>0.9.0rc1</c>.
/// Pre-releases sort before their release, so a release candidate of the fixing version still counts as affected.
/// </summary>
public sealed partial record RuntimeVersion(Version Number, bool IsPrerelease) : IComparable<RuntimeVersion>
{
    /// <summary>Parses <paramref name="text"/>; null for tags that name no version (<c>latest</c>, <c>nightly</c>, digests).</summary>
    public static RuntimeVersion? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var m = VersionPattern().Match(text.Trim());
        if (!m.Success) return null;
        int Part(int i) => m.Groups[i].Success ? int.Parse(m.Groups[i].Value) : 0;
        string suffix = m.Groups[4].Value;
        // ".post1", "+cu124" and "-cu124" are builds of the release; "rc1", "dev3", "a1", "b2" come before it.
        bool pre = PrereleasePattern().IsMatch(suffix);
        return new RuntimeVersion(new Version(Part(1), Part(2), Part(3)), pre);
    }

    /// <summary>The version in an image reference's tag (<c>vllm/vllm-openai:v0.8.3</c>), or null.</summary>
    public static RuntimeVersion? FromImage(string? image) => Parse(TagOf(image));

    /// <summary>The tag of an image reference (<c>registry:5000/vllm/vllm-openai:v0.8.3</c> → <c>v0.8.3</c>); null without one or for a digest.</summary>
    public static string? TagOf(string? image)
    {
        if (string.IsNullOrWhiteSpace(image) || image.Contains('@')) return null;
        int colon = image.IndexOf(':', image.LastIndexOf('/') + 1);
        return colon < 0 ? null : image[(colon + 1)..];
    }

    public int CompareTo(RuntimeVersion? other)
    {
        if (other is null) return 1;
        int c = Number.CompareTo(other.Number);
        return c != 0 ? c : other.IsPrerelease.CompareTo(IsPrerelease);
    }

    public override string ToString() => Number + (IsPrerelease ? " (pre-release)" : "");

    [GeneratedRegex(@"^v?(\d+)\.(\d+)(?:\.(\d+))?((?:\.?(?:post|rc|dev|a|b)\d*|[-+].*)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"rc|dev|alpha|beta|^\.?[ab]\d", RegexOptions.IgnoreCase)]
    private static partial Regex PrereleasePattern();
}
