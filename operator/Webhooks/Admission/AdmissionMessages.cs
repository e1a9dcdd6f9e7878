using System.Text;
using LlmOperator.Rules.Validation;

namespace LlmOperator.Operator.Webhooks.Admission;

/// <summary>
/// Findings of the rules as an admission answer: every error in the denial (field path, numbers and fix), warnings
/// and notes as admission warnings.
/// </summary>
public static class AdmissionMessages
{
    /// <summary>
    /// kube-apiserver sends warnings as HTTP <c>Warning</c> headers and truncates any longer than 256 characters
    /// (and drops the rest once they pass 4 KiB together); control characters cannot be in a header at all.
    /// Keeping each under this many UTF-8 bytes means kubectl shows what we wrote.
    /// </summary>
    public const int MaxWarningBytes = 255;

    /// <summary>The denial of a ModelDeployment: one line per error finding, with its rule id and fix.</summary>
    public static string Denial(string what, IReadOnlyList<Finding> errors)
    {
        var text = new StringBuilder($"{what} is invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}):");
        foreach (var f in errors) text.Append($"\n  * {f.Field} [{f.RuleId}]: {f.Message} Fix: {f.Fix}");
        return text.ToString();
    }

    /// <summary>The status a denial carries: 403 as controller-runtime's <c>admission.Denied</c>, causes per field.</summary>
    /// <remarks>
    /// Not 422/Invalid: for Invalid, kubectl prints only <c>details.causes</c> and drops the message, and API servers
    /// that do not pass a webhook's details through would leave the user with no reason at all. The causes are
    /// still here for clients that read them.
    /// </remarks>
    public static AdmissionStatus DenialStatus(string message, string? name, string group, string kind, IEnumerable<Finding> errors) => new()
    {
        Code = 403,
        Reason = "Forbidden",
        Message = message,
        Details = new StatusDetails(name, group, kind,
            errors.Select(f => new StatusCause("FieldValueInvalid", $"{f.Message} Fix: {f.Fix}", f.Field)).ToList()),
    };

    /// <summary>A denial for something that is not a rule finding (unreadable object, failed lookup).</summary>
    public static AdmissionStatus Failure(int code, string reason, string message) =>
        new() { Code = code, Reason = reason, Message = message };

    /// <summary>Warning and info findings, one admission warning each.</summary>
    public static IReadOnlyList<string> Warnings(IEnumerable<Finding> findings) =>
        findings.Where(f => f.Severity != Severity.Error)
            .Select(f => Warning($"{f.Field} [{f.RuleId}]: {f.Message}" + (f.Severity == Severity.Warning ? $" Fix: {f.Fix}" : "")))
            .ToList();

    /// <summary>One line that fits a Warning header: control characters become spaces, long text is cut with "...".</summary>
    public static string Warning(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        if (Encoding.UTF8.GetByteCount(clean) <= MaxWarningBytes) return clean;
        const string ellipsis = "...";
        int budget = MaxWarningBytes - ellipsis.Length;
        var cut = new StringBuilder();
        foreach (var rune in clean.EnumerateRunes())
        {
            budget -= rune.Utf8SequenceLength;
            if (budget < 0) break;
            cut.Append(rune.ToString());
        }
        return cut.ToString().TrimEnd() + ellipsis;
    }
}
