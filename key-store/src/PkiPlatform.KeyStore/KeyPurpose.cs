namespace PkiPlatform.KeyStore;

/// <summary>What a generated key may do. HSM keys get exactly the PKCS#11 capabilities their purpose needs.</summary>
public enum KeyPurpose
{
    /// <summary>Signs only (CA, OCSP, TSA and document-signing keys).</summary>
    Signing,

    /// <summary>
    /// Unwraps content-encryption keys (RSA: C_Decrypt with OAEP; EC: C_DeriveKey ECDH), and signs only the
    /// proof-of-possession of its own certificate request.
    /// </summary>
    Decryption,

    /// <summary>
    /// The signing key of a dual-certificate pair (GM/T 0014, issue 13): signs, and opens (RSA: C_Decrypt; EC: C_DeriveKey)
    /// the envelope in which the key management centre delivers the pair's encryption key to it. Nothing else is enveloped to it.
    /// </summary>
    EnvelopeSigning,
}
