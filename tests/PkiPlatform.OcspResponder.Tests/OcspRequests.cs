using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Security;

namespace PkiPlatform.OcspResponder.Tests;

/// <summary>Hand-built OCSP requests, including ones no well-behaved client would send.</summary>
internal static class OcspRequests
{
    public static byte[] For(byte[] issuerDer, string serialHex, string hashOid = "1.3.14.3.2.26", params Asn1Encodable[] extensions)
    {
        var issuer = X509CertificateStructure.GetInstance(issuerDer);
        var algorithm = new DerObjectIdentifier(hashOid);
        var certId = new CertID(
            new AlgorithmIdentifier(algorithm, DerNull.Instance),
            new DerOctetString(Digest(algorithm, issuer.Subject.GetDerEncoded())),
            new DerOctetString(Digest(algorithm, issuer.SubjectPublicKeyInfo.PublicKey.GetOctets())),
            new DerInteger(new Org.BouncyCastle.Math.BigInteger(serialHex, 16)));
        var list = new DerSequence(new Request(certId, null));
        var tbs = extensions.Length == 0
            ? new DerSequence(list)
            : new DerSequence(list, new DerTaggedObject(true, 2, new DerSequence(extensions)));
        return new DerSequence(tbs).GetDerEncoded();
    }

    public static Asn1Encodable Nonce(byte[] value) =>
        new DerSequence(OcspObjectIdentifiers.PkixOcspNonce, new DerOctetString(new DerOctetString(value).GetDerEncoded()));

    public static Asn1Encodable CriticalExtension(string oid) =>
        new DerSequence(new DerObjectIdentifier(oid), DerBoolean.True, new DerOctetString(DerNull.Instance.GetDerEncoded()));

    public static OcspStatus Status(byte[] response) => (OcspStatus)new OcspResp(response).Status;

    public static SingleResp Single(byte[] response) => ((BasicOcspResp)new OcspResp(response).GetResponseObject()).Responses.Single();

    private static byte[] Digest(DerObjectIdentifier algorithm, byte[] data)
    {
        try
        {
            return DigestUtilities.CalculateDigest(algorithm, data);
        }
        catch (SecurityUtilityException)
        {
            return new byte[20]; // an algorithm the responder must refuse; the hash value does not matter
        }
    }
}
