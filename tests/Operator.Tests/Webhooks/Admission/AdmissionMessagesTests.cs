using System.Text;
using LlmOperator.Operator.Webhooks.Admission;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Tests.Webhooks.Admission;

public sealed class AdmissionMessagesTests
{
    [Fact]
    public void Warning_Should_FitTheHeaderLimitWithoutSplittingCharacters_When_TheTextIsLong()
    {
        string text = "spec.engine.maxNumBatchedTokens: " + string.Concat(Enumerable.Repeat("maxNumSeqs × maxModelLen ", 20));

        string warning = AdmissionMessages.Warning(text);

        Assert.True(Encoding.UTF8.GetByteCount(warning) <= AdmissionMessages.MaxWarningBytes);
        Assert.EndsWith("...", warning);
        Assert.StartsWith("spec.engine.maxNumBatchedTokens: maxNumSeqs × maxModelLen", warning);
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(warning)));
    }

    [Fact]
    public void Warning_Should_ReplaceControlCharacters_When_TheTextHasLineBreaks()
    {
        Assert.Equal("a b c", AdmissionMessages.Warning("a\nb\tc"));
    }

    [Fact]
    public void Warnings_Should_IncludeTheFixOfWarningsButNotOfNotes_When_GivenFindings()
    {
        var findings = new[]
        {
            new Finding("e", Severity.Error, "spec.a", "Broken.", "Repair it."),
            new Finding("w", Severity.Warning, "spec.b", "Wasteful.", "Lower it."),
            new Finding("i", Severity.Info, "spec.c", "Chunked.", "None needed."),
        };

        var warnings = AdmissionMessages.Warnings(findings);

        Assert.Equal(["spec.b [w]: Wasteful. Fix: Lower it.", "spec.c [i]: Chunked."], warnings);
    }

    [Fact]
    public void Denial_Should_ListEveryErrorOnItsOwnLine_When_ThereAreSeveral()
    {
        var errors = new[]
        {
            new Finding("a", Severity.Error, "spec.x", "X is 3.", "Use 2."),
            new Finding("b", Severity.Error, "spec.y", "Y is 5.", "Use 4."),
        };

        Assert.Equal("MD ns/n is invalid (2 errors):\n  * spec.x [a]: X is 3. Fix: Use 2.\n  * spec.y [b]: Y is 5. Fix: Use 4.",
            AdmissionMessages.Denial("MD ns/n", errors));
    }
}
