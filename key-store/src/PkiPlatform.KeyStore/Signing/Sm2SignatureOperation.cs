using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace PkiPlatform.KeyStore.Signing;

/// <summary>SM3withSM2 through BouncyCastle with the GM/T 0009 default signer ID.</summary>
internal sealed class Sm2SignatureOperation : ISignatureOperation
{
    private readonly SM2Signer _signer = new();

    public Sm2SignatureOperation(ECPrivateKeyParameters key)
    {
        _signer.Init(true, new ParametersWithID(new ParametersWithRandom(key, new SecureRandom()), SignatureAlgorithms.Sm2DefaultUserId.ToArray()));
    }

    public void Update(ReadOnlySpan<byte> data) => _signer.BlockUpdate(data);

    public byte[] Complete() => _signer.GenerateSignature();

    public void Dispose()
    {
    }
}
