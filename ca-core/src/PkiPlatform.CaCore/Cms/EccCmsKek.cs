using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Cms;

/// <summary>
/// The key-encryption key of an ECDH recipient (RFC 5753 §7.2): ANSI X9.63 KDF over the shared secret Z
/// and the DER ECC-CMS-SharedInfo { keyInfo (the key-wrap algorithm), entityUInfo [0] ukm OPTIONAL,
/// suppPubInfo [2] KEK length in bits as a 32-bit big-endian integer }.
/// </summary>
public static class EccCmsKek
{
    public static byte[] Derive(HashAlgorithmName hash, byte[] z, DerObjectIdentifier wrapAlgorithm, Asn1OctetString? ukm, int kekLength)
    {
        var suppPubInfo = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(suppPubInfo, kekLength * 8);
        var sharedInfo = new Asn1EncodableVector(new AlgorithmIdentifier(wrapAlgorithm));
        if (ukm is not null)
        {
            sharedInfo.Add(new DerTaggedObject(true, 0, ukm));
        }

        sharedInfo.Add(new DerTaggedObject(true, 2, new DerOctetString(suppPubInfo)));
        return X963Kdf(hash, z, new DerSequence(sharedInfo).GetDerEncoded(), kekLength);
    }

    /// <summary>ANSI X9.63 KDF: Hash(Z || counter || SharedInfo) for counter = 1, 2, …</summary>
    private static byte[] X963Kdf(HashAlgorithmName hash, byte[] z, byte[] sharedInfo, int length)
    {
        var output = new byte[length];
        var counter = new byte[4];
        var offset = 0;
        for (uint i = 1; offset < length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(counter, i);
            using var digest = IncrementalHash.CreateHash(hash);
            digest.AppendData(z);
            digest.AppendData(counter);
            digest.AppendData(sharedInfo);
            var block = digest.GetHashAndReset();
            var take = Math.Min(block.Length, length - offset);
            block.AsSpan(0, take).CopyTo(output.AsSpan(offset));
            offset += take;
        }

        return output;
    }
}
