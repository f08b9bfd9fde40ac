using System.Security.Cryptography;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Identity;

/// <summary>
/// An <see cref="RSA"/> whose private half stays in the key store: PS256 token signatures (RSASSA-PSS, SHA-256, MGF1
/// SHA-256, salt of 32 bytes: RFC 7518 §3.5) are made by <see cref="ISigningKey"/> over the data; verification and the
/// JWKS use the public key. Anything but PS256 is refused.
/// </summary>
public sealed class KeyStoreRSA : RSA
{
    private readonly ISigningKey _key;
    private readonly RSA _public;

    public KeyStoreRSA(ISigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Info.Algorithm is not (KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096))
        {
            throw new PkiException(PkiErrorCodes.UnsupportedAlgorithm, $"key {key.Info.Label} is {key.Info.Algorithm}; PS256 needs an RSA key");
        }

        _key = key;
        _public = Create();
        _public.ImportSubjectPublicKeyInfo(key.Info.SubjectPublicKeyInfo, out _);
        KeySizeValue = _public.KeySize;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    public override RSAParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters ? throw new CryptographicException("the private key stays in the key store") : _public.ExportParameters(false);

    public override void ImportParameters(RSAParameters parameters) => throw new NotSupportedException("a key-store key cannot be replaced");

    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        throw new NotSupportedException("the key store signs data, not a precomputed hash");

    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding) =>
        _public.VerifyHash(hash, signature, hashAlgorithm, padding);

    public override byte[] SignData(byte[] data, int offset, int count, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Sign(data.AsSpan(offset, count), hashAlgorithm, padding);
    }

    public override bool TrySignData(ReadOnlySpan<byte> data, Span<byte> destination, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding, out int bytesWritten) =>
        KeyStoreECDsa.TryCopy(Sign(data, hashAlgorithm, padding), destination, out bytesWritten);

    private byte[] Sign(ReadOnlySpan<byte> data, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        if (hashAlgorithm != HashAlgorithmName.SHA256 || padding != RSASignaturePadding.Pss)
        {
            throw new CryptographicException("this key signs PS256 only (RSASSA-PSS with SHA-256)");
        }

        using var operation = _key.BeginSign(PkiPlatform.KeyStore.SignatureAlgorithm.RsaPssSha256);
        operation.Update(data);
        return operation.Complete();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _public.Dispose();
        }

        base.Dispose(disposing);
    }
}
