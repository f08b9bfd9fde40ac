using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Cms;

/// <summary>Parsing of what callers send, with errors that say what to fix.</summary>
public static class CmsInput
{
    private static readonly Dictionary<string, string> ContentTypeNames = new(StringComparer.Ordinal)
    {
        ["1.2.840.113549.1.7.1"] = "Data",
        ["1.2.840.113549.1.7.2"] = "SignedData",
        ["1.2.840.113549.1.7.3"] = "EnvelopedData",
        ["1.2.840.113549.1.7.5"] = "DigestedData",
        ["1.2.840.113549.1.7.6"] = "EncryptedData",
        ["1.2.840.113549.1.9.16.1.2"] = "AuthenticatedData",
        ["1.2.840.113549.1.9.16.1.23"] = "AuthEnvelopedData",
        ["1.2.156.10197.6.1.4.2.1"] = "GM/T 0010 data",
        ["1.2.156.10197.6.1.4.2.2"] = "GM/T 0010 signedData",
        ["1.2.156.10197.6.1.4.2.3"] = "GM/T 0010 envelopedData",
    };

    public static ContentInfo ParseContentInfo(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, "the body is empty; send a DER-encoded CMS ContentInfo");
        }

        try
        {
            return ContentInfo.GetInstance(Asn1Object.FromByteArray(bytes));
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, $"the body is not a DER/BER-encoded CMS ContentInfo (RFC 5652 §3): {ex.Message}", ex);
        }
    }

    public static void ExpectContentType(ContentInfo info, DerObjectIdentifier expected, string name)
    {
        if (!info.ContentType.Equals(expected))
        {
            var got = ContentTypeNames.TryGetValue(info.ContentType.Id, out var known) ? $"{known} ({info.ContentType.Id})" : info.ContentType.Id;
            throw new PkiException(TokenErrorCodes.CmsWrongContentType, $"expected CMS {name} ({expected.Id}), got {got}");
        }
    }

    public static X509Certificate ParseCertificate(byte[] der)
    {
        try
        {
            return new X509CertificateParser().ReadCertificate(der) ?? throw new ArgumentException("no certificate found");
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, $"the certificate is not a DER or PEM X.509 certificate: {ex.Message}", ex);
        }
    }
}
