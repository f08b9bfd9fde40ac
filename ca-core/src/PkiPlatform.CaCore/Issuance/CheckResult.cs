using System.Globalization;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// One profile rule applied to one request: met or broken, in words an applicant understands.
/// <see cref="Message"/> is English; <see cref="MessageKey"/> and <see cref="MessageArguments"/> let a user
/// interface say the same in its own language (the RA portal's Chinese, for one).
/// </summary>
public sealed record CheckResult(string Rule, bool Passed, string Message)
{
    /// <summary>Stable key of the message's wording, e.g. "key.refused".</summary>
    public string? MessageKey { get; init; }

    /// <summary>The values placed into the wording, in order ({0}, {1}, …).</summary>
    public IReadOnlyList<string> MessageArguments { get; init; } = [];

    /// <param name="rule">The rule's stable name.</param>
    /// <param name="key">The message's stable key.</param>
    /// <param name="english">Composite format of the English message.</param>
    /// <param name="arguments">Values for the format's placeholders.</param>
    public static CheckResult Pass(string rule, string key, string english, params string[] arguments) => Create(rule, true, key, english, arguments);

    /// <inheritdoc cref="Pass"/>
    public static CheckResult Fail(string rule, string key, string english, params string[] arguments) => Create(rule, false, key, english, arguments);

    private static CheckResult Create(string rule, bool passed, string key, string english, string[] arguments) =>
        new(rule, passed, string.Format(CultureInfo.InvariantCulture, english, arguments)) { MessageKey = key, MessageArguments = arguments };
}
