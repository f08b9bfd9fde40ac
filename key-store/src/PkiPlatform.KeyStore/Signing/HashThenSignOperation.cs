using System.Security.Cryptography;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>Hashes the data as it arrives, then hands the digest to a signer that signs digests.</summary>
internal sealed class HashThenSignOperation : ISignatureOperation
{
    private readonly IncrementalHash _hash;
    private readonly Func<byte[], byte[]> _signDigest;
    private bool _completed;

    public HashThenSignOperation(HashAlgorithmName hash, Func<byte[], byte[]> signDigest)
    {
        _hash = IncrementalHash.CreateHash(hash);
        _signDigest = signDigest;
    }

    public void Update(ReadOnlySpan<byte> data) => _hash.AppendData(data);

    public byte[] Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        return _signDigest(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();
}
