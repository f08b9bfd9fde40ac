using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using PkiPlatform.CaCore;
using PkiPlatform.KeyStore;

namespace PkiPlatform.RaPortal.Host;

/// <summary>An issued certificate as PEM, DER or a certs-only PKCS#7 with its CA chain.</summary>
public static class CertificateDownloads
{
    /// <summary>Issue 13: a dual application's envelope as it is downloaded (GM/T 0009 DER, or CMS as application/pkcs7-mime).</summary>
    public static (byte[] Bytes, string ContentType, string FileName) Envelope(PkiPlatform.CaCore.Storage.RaRequestEntity request, byte[] envelope)
    {
        var sm2 = request.EnvelopeFormat == PkiPlatform.CaCore.Issuance.EnvelopeFormats.Sm2EnvelopedKey;
        return (envelope, sm2 ? "application/octet-stream" : "application/pkcs7-mime", $"request-{request.Id}.envelope.{(sm2 ? "der" : "p7m")}");
    }

    public static async Task<(byte[] Bytes, string ContentType, string FileName)> GetAsync(CertificateAuthority ca, string serial, string? format, CancellationToken ct)
    {
        await using var db = ca.Database.CreateContext();
        var der = await db.Certificates.Where(c => c.Serial == serial).Select(c => c.Der!).FirstAsync(ct);
        return (format ?? "pem").ToLowerInvariant() switch
        {
            "der" => (der, "application/pkix-cert", $"{serial}.cer"),
            "p7b" => (await ChainAsync(ca, der, ct), "application/pkcs7-mime", $"{serial}.p7b"),
            "pem" => (System.Text.Encoding.ASCII.GetBytes(new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE", der)) + "\n"), "application/x-pem-file", $"{serial}.pem"),
            _ => throw new PkiException(PkiErrorCodes.InvalidArgument, "format must be pem, der or p7b"),
        };
    }

    /// <summary>RFC 5652 degenerate SignedData: certificates only, leaf first.</summary>
    private static async Task<byte[]> ChainAsync(CertificateAuthority ca, byte[] leaf, CancellationToken ct)
    {
        var authorities = await ca.Authorities.AllAsync(ct);
        var certificates = new List<Asn1Encodable> { Asn1Object.FromByteArray(leaf) };
        certificates.AddRange(authorities.OrderByDescending(a => a.Id).Select(a => Asn1Object.FromByteArray(a.Entity.CertificateDer)));
        var signed = new SignedData(new DerSet(), new ContentInfo(CmsObjectIdentifiers.Data, null), new DerSet(certificates.ToArray()), null, new DerSet());
        return new ContentInfo(CmsObjectIdentifiers.SignedData, signed).GetDerEncoded();
    }
}
