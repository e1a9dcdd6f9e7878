namespace LlmOperator.ElfPatch.Tests;

public sealed class LibStdCxxProbeTests
{
    [Fact]
    public void Probe_Should_FindVersion_When_LibraryContainsItsName()
    {
        using var folder = new TempFolder();
        string fake = folder.File("libstdc++.so.6", "\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0"u8.ToArray());

        Assert.True(LibStdCxxProbe.HasMissingVersion(fake));
        Assert.False(LibStdCxxProbe.SystemNeedsFix(new[] { fake }, out _));
    }

    [Fact]
    public void Probe_Should_NotFindVersion_When_LibraryLacksIt()
    {
        using var folder = new TempFolder();
        string fake = folder.File("libstdc++.so.6", "\0GLIBCXX_3.4.30\0GLIBCXX_3.4.3\0"u8.ToArray());

        Assert.False(LibStdCxxProbe.HasMissingVersion(fake));
        Assert.True(LibStdCxxProbe.SystemNeedsFix(new[] { fake }, out string reason));
        Assert.Equal(fake + " lacks GLIBCXX_3.4.32", reason);
    }

    [Fact]
    public void Probe_Should_InspectOnlyFirstExistingCandidate_When_SeveralAreGiven()
    {
        using var folder = new TempFolder();
        string old = folder.File("old.so", "GLIBCXX_3.4.30"u8.ToArray());
        string current = folder.File("current.so", "GLIBCXX_3.4.32"u8.ToArray());

        Assert.True(LibStdCxxProbe.SystemNeedsFix(new[] { Path.Combine(folder.Path, "absent.so"), old, current }, out _));
    }

    [Fact]
    public void Probe_Should_NotAskForFix_When_NoLibStdCxxExists()
    {
        using var folder = new TempFolder();

        Assert.False(LibStdCxxProbe.SystemNeedsFix(new[] { Path.Combine(folder.Path, "absent.so") }, out string reason));
        Assert.Equal("no system libstdc++.so.6 found", reason);
    }
}
