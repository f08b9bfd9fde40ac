namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// An account: a person, business system or platform service, named by a stable identifier (<see cref="Identity"/>,
/// e.g. <c>staff:E1001</c>, <c>system:payroll</c>) that survives renewal and a new USB key. Certificates are bound to
/// it explicitly (<see cref="AccountCertificateEntity"/>); roles and service keys follow the account, never a name string.
/// </summary>
public sealed class RaAccountEntity
{
    public int Id { get; set; }

    /// <summary>The stable identifier: <c>staff:{staff ID}</c>, <c>system:{name}</c> or <c>platform:{service}</c>.</summary>
    public string Identity { get; set; } = "";

    public AccountKind Kind { get; set; }

    public string DisplayName { get; set; } = "";

    /// <summary>The staff ID of a person (the part after <c>staff:</c>), compared with applications' staff IDs.</summary>
    public string? StaffId { get; set; }

    public string? Organization { get; set; }

    public string? Unit { get; set; }

    /// <summary>The subject of the account's first certificate, as the CA recorded it.</summary>
    public string? SubjectDn { get; set; }

    /// <summary><see cref="Accounts.SubjectKey"/> of <see cref="SubjectDn"/>: no two accounts hold equivalent subjects.</summary>
    public string? SubjectKey { get; set; }

    /// <summary>The RA role, if any (mutually exclusive).</summary>
    public RaRole? Role { get; set; }

    public bool Active { get; set; } = true;

    public DateTime CreatedAt { get; set; }
}
