namespace PkiPlatform.Kmc;

/// <summary>One encryption key pair in the archive (kmc_keys). The private key is only ever stored as ciphertext.</summary>
public sealed class ArchivedKeyEntity
{
    public long Id { get; set; }

    /// <summary>The archive's identifier of the key (32 hex digits), given to the CA.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>sm2, ec-p256, rsa-2048, … (KeyAlgorithmNames).</summary>
    public string Algorithm { get; set; } = "";

    /// <summary>The public key's SubjectPublicKeyInfo (DER).</summary>
    public byte[] PublicKeyInfo { get; set; } = [];

    /// <summary>SHA-256 of <see cref="PublicKeyInfo"/>, hex.</summary>
    public string PublicKeyHash { get; set; } = "";

    /// <summary>AES-256-GCM under the master key: nonce (12) ‖ tag (16) ‖ ciphertext of the PKCS#8 PrivateKeyInfo; empty once destroyed.</summary>
    public byte[] Ciphertext { get; set; } = [];

    /// <summary>The key-store label of the key that wraps the master key this ciphertext is under.</summary>
    public string MasterKeyLabel { get; set; } = "";

    public ArchivedKeyStatus Status { get; set; }

    /// <summary>What the key was issued for (e.g. "ra:request/42").</summary>
    public string Reference { get; set; } = "";

    public string? Authority { get; set; }

    /// <summary>The encryption certificate's serial (hex), once issued.</summary>
    public string? CertificateSerial { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ActivatedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    public string? EndReason { get; set; }
}

public enum ArchivedKeyStatus
{
    /// <summary>Archived for an issuance in progress; becomes Active with its certificate or Abandoned without.</summary>
    Reserved = 0,

    /// <summary>Its encryption certificate exists; recoverable.</summary>
    Active = 1,

    /// <summary>No certificate was issued for it; the ciphertext is erased.</summary>
    Abandoned = 2,

    /// <summary>Its certificate was revoked for key compromise: recoverable (to decrypt old data), never reissued.</summary>
    Compromised = 3,
}
