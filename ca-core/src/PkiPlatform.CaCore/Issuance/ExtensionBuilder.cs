using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Configuration;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>The extensions every certificate the platform signs shares: key identifiers, CDP, AIA.</summary>
public static class ExtensionBuilder
{
    /// <summary>RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value.</summary>
    public static byte[] SubjectKeyIdentifier(SubjectPublicKeyInfo spki)
    {
#pragma warning disable CA5350 // SHA-1 is what RFC 5280 method (1) names; it identifies, it does not protect.
        return SHA1.HashData(spki.PublicKey.GetOctets());
#pragma warning restore CA5350
    }

    public static void AddKeyIdentifiers(X509ExtensionsGenerator generator, byte[] subjectKeyId, byte[] authorityKeyId)
    {
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyId));
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
    }

    /// <summary>CRL distribution point, freshest (delta) CRL and AIA (OCSP + caIssuers) of the issuing authority.</summary>
    public static void AddDistributionPoints(X509ExtensionsGenerator generator, CaOptions options, string issuerName, bool includeOcsp)
    {
        generator.AddExtension(X509Extensions.CrlDistributionPoints, false, new CrlDistPoint([Point(options.CrlUrl(issuerName))]));
        generator.AddExtension(X509Extensions.FreshestCrl, false, new CrlDistPoint([Point(options.DeltaCrlUrl(issuerName))]));
        var access = new List<AccessDescription>();
        if (includeOcsp)
        {
            access.Add(new AccessDescription(AccessDescription.IdADOcsp, Uri(options.OcspUrl)));
        }

        access.Add(new AccessDescription(AccessDescription.IdADCAIssuers, Uri(options.CaIssuersUrl(issuerName))));
        generator.AddExtension(X509Extensions.AuthorityInfoAccess, false, new DerSequence(access.ToArray<Asn1Encodable>()));
    }

    public static DistributionPoint Point(string url) =>
        new(new DistributionPointName(new GeneralNames(Uri(url))), null, null);

    private static GeneralName Uri(string url) => new(GeneralName.UniformResourceIdentifier, url);

    /// <summary>X.509 times are whole seconds (RFC 5280 §4.1.2.5.1/.2: no fractional seconds).</summary>
    public static DateTime WholeSeconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
