using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Where the encryption key of a dual-certificate profile comes from: the key management centre (issue 13, GM/T 0014's
/// apply / confirm exchange). The CA receives a public key (its SubjectPublicKeyInfo, as GM/T 0014's key response carries
/// it) and, once the certificates exist, the envelope for the applicant; never the private key.
/// </summary>
public interface IEncryptionKeySource
{
    /// <summary>
    /// How long after calling <see cref="ApplyAsync"/> the CA may still record the intents of the certificates for the
    /// granted keys; later it abandons them and refuses (kmc.reservation_expired). A KMC must hold a reservation longer than
    /// this (<c>Kmc:ReservationTimeoutSeconds</c>, at least twice as long) and must not abandon it while a certificate
    /// intent that could carry its key is still open: so no encryption certificate is ever issued for an erased key.
    /// </summary>
    public static readonly TimeSpan GrantUseWithin = TimeSpan.FromSeconds(120);

    /// <summary>Takes a fresh pair per application, archives its private key (reserved for it) and returns its public key; one transaction for all.</summary>
    Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default);

    /// <summary>
    /// The encryption certificates were issued: each archived key becomes active for its certificate, and the KMC returns
    /// each private key enveloped for the applicant's signing certificate (GM/T 0009 SM2EnvelopedKey for SM2, CMS
    /// EnvelopedData otherwise); one transaction for all.
    /// </summary>
    Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default);

    /// <summary>Issuance failed: the reserved keys are destroyed (their ciphertext erased), audited with the reason.</summary>
    Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default);
}

/// <param name="KeyId">The reserved key.</param>
/// <param name="Authority">The CA that issued its certificate.</param>
/// <param name="EncryptionSerial">The encryption certificate's serial.</param>
/// <param name="SigningCertificate">The applicant's signing certificate (DER): the envelope's recipient.</param>
public sealed record EncryptionKeyConfirmation(string KeyId, string Authority, string EncryptionSerial, byte[] SigningCertificate);

/// <param name="Reference">What the key is for, recorded with it (e.g. "ra:request/42" or "cli:issue").</param>
/// <param name="Algorithm">The key type (the signing key's: SM2 for SM2, P-256 for P-256, RSA for RSA).</param>
/// <param name="Subject">The DER subject name the encryption certificate will carry.</param>
/// <param name="Actor">Who asked (the audit trail's actor).</param>
public sealed record EncryptionKeyApplication(string Reference, KeyAlgorithm Algorithm, byte[] Subject, string Actor);

/// <param name="KeyId">The archive's identifier of the key.</param>
/// <param name="PublicKey">
/// The new key's DER SubjectPublicKeyInfo. No PKCS#10: as in GM/T 0014's key response, the KMC returns the public key;
/// it holds the private key and is authenticated by the channel, so a proof of possession would add nothing.
/// </param>
public sealed record EncryptionKeyGrant(string KeyId, byte[] PublicKey);

/// <param name="Format">One of <see cref="EnvelopeFormats"/>.</param>
/// <param name="Der">The envelope.</param>
public sealed record EncryptionKeyEnvelope(string Format, byte[] Der);

public static class EnvelopeFormats
{
    /// <summary>GM/T 0009-2012 §7.4 SM2EnvelopedKey: SM4-ECB private key, the SM4 key as an SM2Cipher (C1C3C2) to the signing key.</summary>
    public const string Sm2EnvelopedKey = "gmt0009-sm2-enveloped-key";

    /// <summary>RFC 5652 EnvelopedData whose content is the RFC 5958 OneAsymmetricKey (PKCS#8) of the encryption key.</summary>
    public const string CmsEnvelopedData = "cms-enveloped-data";
}

/// <summary>Both certificates of a dual-certificate issuance and the applicant's envelope.</summary>
public sealed record DualIssuedCertificate(IssuedCertificate Signing, IssuedCertificate Encryption, string KeyId, EncryptionKeyEnvelope Envelope);
