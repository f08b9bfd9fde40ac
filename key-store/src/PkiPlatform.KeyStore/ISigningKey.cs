namespace PkiPlatform.KeyStore;

/// <summary>A private key that signs, whatever holds it.</summary>
public interface ISigningKey
{
    KeyInfo Info { get; }

    /// <summary>
    /// Starts a signature over data fed in pieces (a CRL of a million entries is hashed as it is
    /// written, never buffered twice). The result is encoded as X.509 carries it: DER
    /// Ecdsa-Sig-Value for ECDSA and SM2, the raw octets for RSA.
    /// </summary>
    ISignatureOperation BeginSign(SignatureAlgorithm algorithm);
}
