using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Whether a signer's embedded RFC 3161 token (id-aa-signatureTimeStampToken, RFC 3161 Appendix A) may move the
/// validation time back to its genTime. Only a token from a TSA certificate on the allow-list
/// (<see cref="SignerPolicy.TrustedTsaCertificates"/>) counts, and only if: its signature, ESS binding and
/// timeStamping EKU verify; it covers this signature; the TSA certificate's path is valid at genTime; and the TSA
/// certificate's status allows it (RFC 3161 §4). Anything else: the token is ignored, and the report says why.
/// </summary>
internal sealed class TimestampCheck(PathValidator paths, RevocationChecker revocation, TimeProvider clock, SignerPolicy policy)
{
    /// <summary>RFC 3161 §4: after a revocation with one of these reasons, tokens made before the revocation time stay valid.</summary>
    private static readonly HashSet<RevocationReason> BenignReasons =
        [RevocationReason.Unspecified, RevocationReason.AffiliationChanged, RevocationReason.Superseded, RevocationReason.CessationOfOperation];

    /// <returns>Null when the signer has no embedded token.</returns>
    public async Task<TimestampVerdict?> VerifyAsync(SignerInformation signer, IReadOnlyList<X509Certificate> carried, CancellationToken cancellationToken)
    {
        var attribute = signer.UnsignedAttributes?[PkcsObjectIdentifiers.IdAASignatureTimeStampToken];
        if (attribute is null)
        {
            return null;
        }

        TimeStampToken token;
        List<X509Certificate> tokenCertificates;
        try
        {
            token = new TimeStampToken(Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(attribute.AttrValues[0]));
            tokenCertificates = token.GetCertificates().EnumerateMatches(null).ToList();
        }
        catch (Exception ex) when (ex is TspException or ArgumentException or IOException or CmsException or InvalidCastException or InvalidOperationException)
        {
            return new TimestampVerdict(false, null, null, $"the embedded timestamp is malformed: {ex.Message}");
        }

        var info = token.TimeStampInfo;
        var tsa = tokenCertificates.FirstOrDefault(c => token.SignerID.Match(c)) ?? carried.FirstOrDefault(c => token.SignerID.Match(c));
        if (tsa is null)
        {
            return new TimestampVerdict(false, info.GenTime, null, "the timestamp does not carry the TSA certificate");
        }

        var authority = tsa.SubjectDN.ToString();
        if (!policy.IsTrustedTsa(tsa))
        {
            return new TimestampVerdict(false, info.GenTime, authority,
                $"its TSA certificate '{authority}' (SHA-256 {SignerPolicy.Fingerprint(tsa)}) is not one of the configured trusted TSA certificates; "
                + "the signature is judged at the current time");
        }

        try
        {
            // Checks the signature, the ESS certificate binding and the TSA certificate's critical timeStamping EKU (RFC 3161 §2.3).
            token.Validate(tsa);
        }
        catch (Exception ex) when (ex is TspException or TspValidationException or ArgumentException or Org.BouncyCastle.Security.GeneralSecurityException)
        {
            return new TimestampVerdict(false, info.GenTime, authority, $"the timestamp is not valid: {ex.Message}");
        }

        var expected = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(info.MessageImprintAlgOid, signer.GetSignature());
        if (!expected.AsSpan().SequenceEqual(info.GetMessageImprintDigest()))
        {
            return new TimestampVerdict(false, info.GenTime, authority, "the timestamp covers other data than this signature");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (info.GenTime > now + policy.SigningTimeTolerance)
        {
            return new TimestampVerdict(false, info.GenTime, authority, $"the timestamp is dated in the future ({info.GenTime:yyyy-MM-dd HH:mm:ss} UTC)");
        }

        var path = paths.Validate(tsa, tokenCertificates.Concat(carried), info.GenTime);
        if (!path.IsValid)
        {
            return new TimestampVerdict(false, info.GenTime, authority, $"the TSA certificate path is not valid at the token's time: {path.Failure}");
        }

        var status = await revocation.CheckAsync(tsa, path.Path.Count > 1 ? path.Path[1] : path.Anchor!, cancellationToken);
        return StatusProblem(status, info.GenTime) is { } problem
            ? new TimestampVerdict(false, info.GenTime, authority, problem)
            : new TimestampVerdict(true, info.GenTime, authority, null);
    }

    /// <summary>RFC 3161 §4: what the TSA certificate's status says about a token made at <paramref name="genTime"/>.</summary>
    private static string? StatusProblem(RevocationStatus status, DateTime genTime)
    {
        switch (status.State)
        {
            case RevocationState.Good:
                return null;
            case RevocationState.Unknown:
                return $"the TSA certificate's revocation status is unavailable ({status.Detail})";
        }

        var revoked = $"the TSA certificate was revoked on {status.RevokedAt:yyyy-MM-dd HH:mm} UTC, reason {status.ReasonName ?? "absent"} ({status.Source})";
        if (status.Reason is not { } reason || !BenignReasons.Contains(reason))
        {
            // A compromised (or possibly compromised) TSA key can date a token at any time, so no genTime it signed proves anything.
            return $"{revoked}: no token signed with that key can be trusted, whatever its time (RFC 3161 §4)";
        }

        return genTime >= status.RevokedAt
            ? $"{revoked}, and the token is dated {genTime:yyyy-MM-dd HH:mm:ss} UTC, after that (RFC 3161 §4)"
            : null;
    }
}
