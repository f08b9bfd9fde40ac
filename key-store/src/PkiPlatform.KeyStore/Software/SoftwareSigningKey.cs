using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.KeyStore.Software;

/// <summary>
/// A software key held in memory by the library that signs fastest with it: .NET's OpenSSL-backed
/// RSA/ECDsa (BouncyCastle's managed RSA is ~17x slower here), BouncyCastle for SM2.
/// </summary>
internal sealed class SoftwareSigningKey : ISigningKey, IDisposable
{
    private readonly ECDsa? _ecdsa;
    private readonly RSA? _rsa;
    private readonly Sm2SigningKey? _sm2;

    public SoftwareSigningKey(KeyInfo info, ECDsa ecdsa)
    {
        Info = info;
        _ecdsa = ecdsa;
    }

    public SoftwareSigningKey(KeyInfo info, RSA rsa)
    {
        Info = info;
        _rsa = rsa;
    }

    public SoftwareSigningKey(KeyInfo info, ECPrivateKeyParameters sm2)
    {
        Info = info;
        _sm2 = new Sm2SigningKey(sm2);
    }

    public KeyInfo Info { get; }

    public ISignatureOperation BeginSign(SignatureAlgorithm algorithm)
    {
        SignatureAlgorithms.EnsureFits(Info.Algorithm, algorithm);
        if (_sm2 is not null)
        {
            return _sm2.BeginSign();
        }

        var hash = SignatureAlgorithms.Hash(algorithm);
        if (_ecdsa is not null)
        {
            return new HashThenSignOperation(hash, digest => _ecdsa.SignHash(digest, DSASignatureFormat.Rfc3279DerSequence));
        }

        var padding = algorithm == SignatureAlgorithm.RsaPssSha256 ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
        return new HashThenSignOperation(hash, digest => _rsa!.SignHash(digest, hash, padding));
    }

    public void Dispose()
    {
        _ecdsa?.Dispose();
        _rsa?.Dispose();
    }
}
