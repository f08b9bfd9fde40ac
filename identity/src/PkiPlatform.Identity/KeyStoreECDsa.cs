using System.Formats.Asn1;
using System.Security.Cryptography;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Identity;

/// <summary>
/// An <see cref="ECDsa"/> whose private half stays in the key store (software or PKCS#11): token signatures are made by
/// <see cref="ISigningKey"/> over the data (ES256 = ECDSA P-256 with SHA-256) and converted from DER to the JWS form
/// (r || s); verification and the JWKS use the public key. Signing a precomputed hash is refused (the key store hashes).
/// </summary>
public sealed class KeyStoreECDsa : ECDsa
{
    private readonly ISigningKey _key;
    private readonly ECDsa _public;

    public KeyStoreECDsa(ISigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Info.Algorithm != KeyAlgorithm.EcP256)
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key {key.Info.Label} is {key.Info.Algorithm}; ES256 needs an ECDSA P-256 key");
        }

        _key = key;
        _public = ECDsa.Create();
        _public.ImportSubjectPublicKeyInfo(key.Info.SubjectPublicKeyInfo, out _);
        KeySizeValue = 256;
        LegalKeySizesValue = [new KeySizes(256, 256, 0)];
    }

    public override ECParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters
            ? throw new CryptographicException("the private key stays in the key store")
            : _public.ExportParameters(false);

    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) => ExportParameters(includePrivateParameters);

    public override void ImportParameters(ECParameters parameters) => throw new NotSupportedException("a key-store key cannot be replaced");

    public override byte[] SignHash(byte[] hash) => throw new NotSupportedException("the key store signs data, not a precomputed hash");

    public override bool VerifyHash(byte[] hash, byte[] signature) => _public.VerifyHash(hash, signature);

    protected override byte[] HashData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        hashAlgorithm == HashAlgorithmName.SHA256 ? SHA256.HashData(data.AsSpan(offset, count)) : throw new CryptographicException("ES256 hashes with SHA-256");

    protected override byte[] SignDataCore(ReadOnlySpan<byte> data, HashAlgorithmName hashAlgorithm, DSASignatureFormat signatureFormat)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256)
        {
            throw new CryptographicException("ES256 signs with SHA-256");
        }

        using var operation = _key.BeginSign(PkiPlatform.KeyStore.SignatureAlgorithm.EcdsaSha256);
        operation.Update(data);
        var der = operation.Complete();
        return signatureFormat == DSASignatureFormat.Rfc3279DerSequence ? der : ToIeeeP1363(der, 32);
    }

    public override byte[] SignData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm) =>
        SignDataCore(data.AsSpan(offset, count), hashAlgorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public override bool TrySignData(ReadOnlySpan<byte> data, Span<byte> destination, HashAlgorithmName hashAlgorithm, out int bytesWritten) =>
        TrySignDataCore(data, destination, hashAlgorithm, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out bytesWritten);

    protected override bool TrySignDataCore(ReadOnlySpan<byte> data, Span<byte> destination, HashAlgorithmName hashAlgorithm, DSASignatureFormat signatureFormat, out int bytesWritten)
    {
        return TryCopy(SignDataCore(data, hashAlgorithm, signatureFormat), destination, out bytesWritten);
    }

    /// <summary>The Try… form of a signature made as a byte array (shared with <see cref="KeyStoreRSA"/>).</summary>
    internal static bool TryCopy(byte[] signature, Span<byte> destination, out int bytesWritten)
    {
        if (signature.Length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        signature.CopyTo(destination);
        bytesWritten = signature.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _public.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>DER ECDSA-Sig-Value (r, s) to the fixed-width r || s of JWS (RFC 7518 §3.4).</summary>
    internal static byte[] ToIeeeP1363(byte[] der, int fieldBytes)
    {
        var reader = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var r = reader.ReadIntegerBytes().Span.TrimStart((byte)0);
        var s = reader.ReadIntegerBytes().Span.TrimStart((byte)0);
        var result = new byte[fieldBytes * 2];
        r.CopyTo(result.AsSpan(fieldBytes - r.Length, r.Length));
        s.CopyTo(result.AsSpan((2 * fieldBytes) - s.Length, s.Length));
        return result;
    }
}
