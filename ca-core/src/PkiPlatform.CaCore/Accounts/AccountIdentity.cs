using System.Text.RegularExpressions;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>The shape of account identifiers: <c>staff:{staff ID}</c>, <c>system:{name}</c>, <c>platform:{service}</c>.</summary>
public static partial class AccountIdentity
{
    public static string Staff(string staffId) => "staff:" + RequireId(staffId.Trim(), "staff ID");

    public static string System(string name) => "system:" + RequireId(name.Trim(), "system name");

    public static string Platform(string service) => "platform:" + RequireId(service, "platform service");

    public static AccountKind KindOf(string identity) =>
        identity.StartsWith("staff:", StringComparison.Ordinal) ? AccountKind.Person
        : identity.StartsWith("system:", StringComparison.Ordinal) ? AccountKind.System
        : identity.StartsWith("platform:", StringComparison.Ordinal) ? AccountKind.Platform
        : throw new PkiException(PkiErrorCodes.InvalidArgument, $"account '{identity}' must be staff:ID, system:NAME or platform:SERVICE");

    /// <summary>Validates a full identifier and returns it unchanged.</summary>
    public static string Parse(string identity)
    {
        var kind = KindOf(identity);
        RequireId(identity[(identity.IndexOf(':', StringComparison.Ordinal) + 1)..], kind.ToString().ToLowerInvariant() + " identifier");
        return identity;
    }

    private static string RequireId(string value, string what) =>
        IdPattern().IsMatch(value) ? value
        : throw new PkiException(PkiErrorCodes.InvalidArgument, $"{what} '{value}' must be 1-64 letters, digits, '.', '_' or '-'");

    // \z, not $: '$' would accept a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
