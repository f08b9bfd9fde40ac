using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// Parses a DER OCSPRequest strictly: trailing data, duplicate extensions, unknown critical extensions,
/// unsupported CertID hashes and nonces outside 1..32 octets (RFC 8954 §2.1) are malformedRequest.
/// </summary>
public static class OcspRequestReader
{
    public static bool TryRead(ReadOnlySpan<byte> der, out ParsedRequest? request, out string? problem)
    {
        request = null;
        if (der.IsEmpty)
        {
            problem = "empty request";
            return false;
        }

        try
        {
            var asn1 = OcspRequest.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
            var list = asn1.TbsRequest.RequestList;
            if (list.Count == 0)
            {
                problem = "no CertID in the request";
                return false;
            }

            var ids = new List<CertificateID>(list.Count);
            foreach (var element in list)
            {
                var single = Request.GetInstance(element);
                if (single.SingleRequestExtensions is { } singleExtensions && HasUnknownCritical(singleExtensions, allowNonce: false))
                {
                    problem = "unknown critical singleRequestExtension";
                    return false;
                }

                var id = new CertificateID(single.ReqCert);
                if (!IssuerIndex.IsSupportedHash(id.HashAlgOid))
                {
                    problem = $"unsupported CertID hash algorithm {id.HashAlgOid}";
                    return false;
                }

                ids.Add(id);
            }

            byte[]? nonce = null;
            if (asn1.TbsRequest.RequestExtensions is { } extensions)
            {
                if (HasUnknownCritical(extensions, allowNonce: true))
                {
                    problem = "unknown critical request extension";
                    return false;
                }

                var nonceExtension = extensions.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
                if (nonceExtension is not null)
                {
                    nonce = nonceExtension.Value.GetOctets();
                    var length = NonceLength(nonce);
                    if (length is < 1 or > 32)
                    {
                        problem = $"nonce of {length} octets; RFC 8954 allows 1..32";
                        return false;
                    }
                }
            }

            var plain = asn1.TbsRequest.RequestExtensions is null && asn1.TbsRequest.RequestorName is null && asn1.OptionalSignature is null
                && list.Cast<Org.BouncyCastle.Asn1.Asn1Encodable>().All(e => Request.GetInstance(e).SingleRequestExtensions is null);
            request = new ParsedRequest(ids, nonce) { IsPlain = plain };
            problem = null;
            return true;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or InvalidOperationException or FormatException or OverflowException)
        {
            // BouncyCastle reports repeated extensions, bad tags and truncation this way.
            problem = ex.Message;
            return false;
        }
    }

    private static bool HasUnknownCritical(X509Extensions extensions, bool allowNonce) =>
        extensions.GetCriticalExtensionOids().Any(oid => !(allowNonce && oid.Equals(OcspObjectIdentifiers.PkixOcspNonce)));

    /// <summary>The nonce is an OCTET STRING inside the extension value; older clients put raw bytes there.</summary>
    private static int NonceLength(byte[] extensionValue)
    {
        try
        {
            return Asn1OctetString.GetInstance(Asn1Object.FromByteArray(extensionValue)).GetOctets().Length;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
        {
            return extensionValue.Length;
        }
    }
}
