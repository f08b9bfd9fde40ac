using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Profiles;

/// <summary>
/// What a certificate of one kind may contain. Loaded from a JSON file and validated by
/// <see cref="ProfileLoader"/>; immutable once loaded.
/// </summary>
public sealed class CertificateProfile
{
    public required string Name { get; init; }

    /// <summary>The description in English (logs, CLI, API).</summary>
    public string Description => Descriptions.In("en");

    /// <summary>What the profile is for, per language (issue 11).</summary>
    public LocalizedText Descriptions { get; init; } = LocalizedText.Empty;

    /// <summary>A short name per language for the portal (falls back to <see cref="Name"/>).</summary>
    public LocalizedText DisplayName { get; init; } = LocalizedText.Empty;

    /// <summary>Who may ask the RA for it; a profile file without "audience" is a platform profile (fail closed).</summary>
    public ProfileAudience Audience { get; init; }

    /// <summary>Whether a dNSName may be a wildcard ("*.example"); either way names stay inside the configured domains.</summary>
    public bool AllowWildcards { get; init; }

    /// <summary>Key types a CSR may carry.</summary>
    public required IReadOnlyList<KeyAlgorithm> KeyAlgorithms { get; init; }

    public required int MaxValidityDays { get; init; }

    public required SubjectRules Subject { get; init; }

    public required SubjectAltNameRules SubjectAltNames { get; init; }

    /// <summary>keyUsage bits for RSA keys (BouncyCastle KeyUsage flags).</summary>
    public required int KeyUsageRsa { get; init; }

    /// <summary>keyUsage bits for EC keys (ECDSA and SM2).</summary>
    public required int KeyUsageEc { get; init; }

    /// <summary>keyUsage bits for SM2 keys (the EC bits unless the profile gives its own).</summary>
    public int KeyUsageSm2 { get; init; }

    /// <summary>"kmc" for a dual-certificate profile (issue 13): the encryption certificate's key comes from the KMC.</summary>
    public string? EncryptionKeySource { get; init; }

    /// <summary>The profile of a dual-certificate profile's encryption certificate.</summary>
    public string? EncryptionProfile { get; init; }

    /// <summary>Issued only for keys the KMC generated, as the encryption half of a dual-certificate profile.</summary>
    public bool KmcKeysOnly { get; init; }

    public bool IsDual => EncryptionKeySource is not null;

    /// <summary>Extended key usage OIDs (dotted).</summary>
    public required IReadOnlyList<string> ExtendedKeyUsage { get; init; }

    public bool ExtendedKeyUsageCritical { get; init; }

    /// <summary>Certificate policy OIDs (dotted).</summary>
    public required IReadOnlyList<string> CertificatePolicies { get; init; }

    /// <summary>Adds id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1); only for OCSP signing certificates.</summary>
    public bool OcspNoCheck { get; init; }

    /// <summary>GM/T 0015 identity extensions (personal data) a CSR may carry into the certificate; none by default.</summary>
    public IReadOnlyList<string> PersonalIdentifiers { get; init; } = [];

    /// <summary>How many distinct RA officers must approve a request (used by the RA).</summary>
    public int Approvals { get; init; } = 1;

    /// <summary>How many officers must approve a revocation (0: the requesting officer alone).</summary>
    public int RevocationApprovals { get; init; }

    public int KeyUsageFor(KeyAlgorithm algorithm) => algorithm.IsRsa() ? KeyUsageRsa : algorithm == KeyAlgorithm.Sm2 ? KeyUsageSm2 : KeyUsageEc;
}
