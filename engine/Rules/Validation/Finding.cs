namespace LlmOperator.Rules.Validation;

/// <summary>How bad a finding is: errors refuse the deployment, warnings are admitted with a warning.</summary>
public enum Severity
{
    Info,
    Warning,
    Error,
}

/// <summary>One result of a rule.</summary>
/// <param name="RuleId">Stable identifier (see <see cref="RuleIds"/>); tools and docs key on it.</param>
/// <param name="Field">Path of the offending field in the ModelDeployment, e.g. <c>spec.engine.maxModelLen</c>.</param>
/// <param name="Message">What is wrong, with the numbers involved.</param>
/// <param name="Fix">What to change.</param>
public sealed record Finding(string RuleId, Severity Severity, string Field, string Message, string Fix)
{
    public override string ToString() => Describe(Field);

    /// <summary>One line: severity, rule id, <paramref name="field"/> (the path, or the engine flag for it), message and fix.</summary>
    public string Describe(string field) => $"{Severity.ToString().ToLowerInvariant()} [{RuleId}] {field}: {Message} Fix: {Fix}";
}

/// <summary>All findings of one validation.</summary>
public sealed record ValidationReport(IReadOnlyList<Finding> Findings)
{
    public bool IsValid => !Errors.Any();
    public IEnumerable<Finding> Errors => Findings.Where(f => f.Severity == Severity.Error);
    public IEnumerable<Finding> Warnings => Findings.Where(f => f.Severity == Severity.Warning);
}
