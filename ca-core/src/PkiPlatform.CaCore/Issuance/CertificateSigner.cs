using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>The last phase of issuance: the only step that touches the CA key.</summary>
public static class CertificateSigner
{
    /// <summary>Signs the TBS and returns the certificate's DER, built around the signed bytes without encoding them again.</summary>
    public static byte[] Sign(TbsCertificateStructure tbs, ISigningKey key, SignatureAlgorithm algorithm)
    {
        var tbsDer = tbs.GetDerEncoded();
        using var operation = key.BeginSign(algorithm);
        operation.Update(tbsDer);
        var signature = new DerBitString(operation.Complete()).GetDerEncoded();
        var algorithmDer = SignatureAlgorithms.Identifier(algorithm).GetDerEncoded();
        var contentLength = tbsDer.Length + algorithmDer.Length + signature.Length;
        using var output = new MemoryStream(contentLength + 6);
        output.WriteByte(0x30);
        WriteLength(output, contentLength);
        output.Write(tbsDer);
        output.Write(algorithmDer);
        output.Write(signature);
        return output.ToArray();
    }

    private static void WriteLength(Stream output, int length)
    {
        if (length < 0x80)
        {
            output.WriteByte((byte)length);
            return;
        }

        var octets = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
        output.WriteByte((byte)(0x80 | octets));
        for (var i = octets - 1; i >= 0; i--)
        {
            output.WriteByte((byte)(length >> (8 * i)));
        }
    }
}
