using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>
/// Lets BouncyCastle's certificate, CRL, OCSP and TSP generators sign through any key-store
/// backend: BouncyCastle builds the ASN.1, the key store makes the signature.
/// </summary>
public sealed class KeySignatureFactory : ISignatureFactory
{
    private readonly Func<ISignatureOperation> _begin;
    private readonly AlgorithmIdentifier _identifier;

    public KeySignatureFactory(ISigningKey key, SignatureAlgorithm algorithm)
    {
        SignatureAlgorithms.EnsureFits(key.Info.Algorithm, algorithm);
        _begin = () => key.BeginSign(algorithm);
        _identifier = SignatureAlgorithms.Identifier(algorithm);
    }

    /// <summary>SM3withSM2 with an SM2 key held in memory (e.g. a key the KMC has just generated signing its own request).</summary>
    public KeySignatureFactory(Sm2SigningKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _begin = key.BeginSign;
        _identifier = SignatureAlgorithms.Identifier(SignatureAlgorithm.Sm3WithSm2);
    }

    public KeySignatureFactory(ISigningKey key)
        : this(key, key.Info.Algorithm.DefaultSignature())
    {
    }

    public object AlgorithmDetails => _identifier;

    public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(_begin());

    private sealed class Calculator(ISignatureOperation operation) : IStreamCalculator<IBlockResult>
    {
        public Stream Stream { get; } = new OperationStream(operation);

        public IBlockResult GetResult()
        {
            using (operation)
            {
                return new Org.BouncyCastle.Crypto.SimpleBlockResult(operation.Complete());
            }
        }
    }

    private sealed class OperationStream(ISignatureOperation operation) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => operation.Update(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => operation.Update(buffer);

        public override void WriteByte(byte value) => operation.Update([value]);
    }
}
