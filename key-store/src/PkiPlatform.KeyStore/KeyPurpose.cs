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
}
