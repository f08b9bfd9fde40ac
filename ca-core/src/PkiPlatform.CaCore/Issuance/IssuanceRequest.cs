namespace PkiPlatform.CaCore.Issuance;

/// <summary>What to issue: a PKCS#10 request (DER or PEM) against a profile, optionally shorter-lived than the profile's maximum.</summary>
/// <param name="Csr">The PKCS#10 request.</param>
/// <param name="Profile">The profile's name.</param>
/// <param name="ValidityDays">Shorter than the profile's maximum, if given.</param>
/// <param name="Account">The account the certificate is bound to (RA issuance and platform certificates); null for operator issuance.</param>
/// <param name="BypassReason">
/// Set when an operator issues, outside the RA, a certificate whose profile needs officer approvals (<c>pki issue
/// --bypass-ra</c>): recorded as its own audit event, in the issuance's transaction, with the operator and this reason.
/// </param>
public sealed record IssuanceRequest(byte[] Csr, string Profile, int? ValidityDays = null, AccountBinding? Account = null, string? BypassReason = null)
{
    /// <summary>
    /// In a batch, who this request's audit events name (and the KMC's reference for its key), e.g. <c>ra:request/42</c>,
    /// instead of the batch's actor: the CA worker recovers an interrupted request from its own events.
    /// </summary>
    public string? Actor { get; init; }

    /// <summary>
    /// Issue 13: the encryption half of a dual pair certifies this KMC-generated key (subject, SPKI) instead of a request
    /// in <see cref="Csr"/>. Internal, so only the CA's own dual issuance sets it; no caller outside the CA can present a
    /// key without proof of possession.
    /// </summary>
    internal KmcGeneratedKey? KmcKey { get; init; }
}

/// <summary>The subject and the public key (DER SubjectPublicKeyInfo) of an encryption key the KMC generated.</summary>
internal sealed record KmcGeneratedKey(Org.BouncyCastle.Asn1.X509.X509Name Subject, Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo PublicKey);
