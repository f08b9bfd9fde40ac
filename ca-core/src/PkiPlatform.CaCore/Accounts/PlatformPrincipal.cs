using System.Globalization;
using System.Security.Claims;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Accounts;

/// <summary>
/// The one mapping between a <see cref="PlatformCredential"/> and the claims every host's authentication produces,
/// so that the RA and the token service decide by the same account binding.
/// </summary>
public static class PlatformPrincipal
{
    public const string CertificateClaim = "pki:certificate";
    public const string CertificateIdClaim = "pki:certificate-id";
    public const string SubjectClaim = "pki:subject";
    public const string AccountKindClaim = "pki:account-kind";
    public const string AccountIdClaim = "pki:account-id";
    public const string StaffIdClaim = "pki:staff-id";
    public const string SubjectKeyClaim = "pki:subject-key";
    public const string DisplayNameClaim = "pki:display-name";

    public static ClaimsPrincipal Create(PlatformCredential credential, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, credential.Identity),
            new(ClaimTypes.Name, credential.Identity),
            new(DisplayNameClaim, credential.Account?.DisplayName ?? ""),
            new(CertificateClaim, credential.Certificate),
            new(CertificateIdClaim, credential.CertificateId.ToString(CultureInfo.InvariantCulture)),
            new(SubjectClaim, credential.SubjectDn),
        };
        if (credential.Account is { } account)
        {
            claims.Add(new Claim(AccountIdClaim, account.Id.ToString(CultureInfo.InvariantCulture)));
            claims.Add(new Claim(AccountKindClaim, account.Kind.ToString()));
            if (account.Role is { } role)
            {
                claims.Add(new Claim(ClaimTypes.Role, role.ToString()));
            }

            if (account.StaffId is { } staffId)
            {
                claims.Add(new Claim(StaffIdClaim, staffId));
            }

            if (account.SubjectKey is { } subjectKey)
            {
                claims.Add(new Claim(SubjectKeyClaim, subjectKey));
            }
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The credential behind an authenticated principal, or null for an anonymous one.</summary>
    public static PlatformCredential? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || Value(user, CertificateClaim) is not { } certificate)
        {
            return null;
        }

        var identity = Value(user, ClaimTypes.NameIdentifier)!;
        BoundAccount? account = null;
        if (Value(user, AccountIdClaim) is { } id)
        {
            account = new BoundAccount(int.Parse(id, CultureInfo.InvariantCulture), identity, Enum.Parse<AccountKind>(Value(user, AccountKindClaim)!),
                Enum.TryParse<RaRole>(Value(user, ClaimTypes.Role), out var role) ? role : null,
                Value(user, StaffIdClaim), Value(user, SubjectKeyClaim), Value(user, DisplayNameClaim) ?? "");
        }

        return new PlatformCredential(long.Parse(Value(user, CertificateIdClaim)!, CultureInfo.InvariantCulture), certificate, Value(user, SubjectClaim) ?? "", account);
    }

    private static string? Value(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value;
}
