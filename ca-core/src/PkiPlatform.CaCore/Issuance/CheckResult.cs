namespace PkiPlatform.CaCore.Issuance;

/// <summary>One profile rule applied to one request: met or broken, in words an applicant understands.</summary>
public sealed record CheckResult(string Rule, bool Passed, string Message)
{
    public static CheckResult Pass(string rule, string message) => new(rule, true, message);

    public static CheckResult Fail(string rule, string message) => new(rule, false, message);
}
