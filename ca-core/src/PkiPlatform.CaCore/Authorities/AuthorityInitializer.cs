using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Lint;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Authorities;

/// <summary>
/// Creates the root and issuing CAs. Keys are generated under fresh labels; if anything fails before
/// the records are committed, the new keys are destroyed again so a retry starts clean.
/// </summary>
public sealed class AuthorityInitializer(CaDatabase database, IKeyStore keys, CaOptions options, AuditTrail audit, TimeProvider clock)
{
    public const string RootName = "root";

    public async Task<IReadOnlyList<AuthorityEntity>> InitializeAsync(AuthoritySetup setup, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        if (await db.Authorities.AnyAsync(cancellationToken))
        {
            throw new PkiException(CaErrorCodes.AlreadyInitialised, "the PKI is already initialised in this database; use a new data directory to start over");
        }

        var now = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        var suffix = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        var created = new List<string>();
        try
        {
            var rootKey = keys.Generate($"ca-{RootName}-{suffix}", setup.RootAlgorithm);
            created.Add(rootKey.Label);
            var issuingKey = keys.Generate($"ca-{options.IssuingAuthority}-{suffix}", setup.IssuingAlgorithm);
            created.Add(issuingKey.Label);

            var rootSubject = Name(setup.Country, setup.Organization, setup.RootCommonName);
            var rootSpki = SubjectPublicKeyInfo.GetInstance(rootKey.SubjectPublicKeyInfo);
            var rootSki = ExtensionBuilder.SubjectKeyIdentifier(rootSpki);
            var rootTbs = CaTbs(rootSubject, rootSubject, rootSpki, rootSki, rootSki, now, now.AddYears(setup.RootValidityYears),
                setup.RootAlgorithm.DefaultSignature(), pathLength: null, issuerName: null);
            CertificateLinter.Default.EnsureClean(new LintSubject(rootTbs, null));
            var rootCert = X509CertificateStructure.GetInstance(CertificateSigner.Sign(rootTbs, keys.GetSigner(rootKey.Label), setup.RootAlgorithm.DefaultSignature()));

            var issuingSubject = Name(setup.Country, setup.Organization, setup.IssuingCommonName);
            var issuingSpki = SubjectPublicKeyInfo.GetInstance(issuingKey.SubjectPublicKeyInfo);
            var issuingSki = ExtensionBuilder.SubjectKeyIdentifier(issuingSpki);
            var issuingNotAfter = Min(now.AddYears(setup.IssuingValidityYears), rootCert.EndDate.ToDateTime());
            var issuingTbs = CaTbs(issuingSubject, rootSubject, issuingSpki, issuingSki, rootSki, now, issuingNotAfter,
                setup.RootAlgorithm.DefaultSignature(), pathLength: 0, issuerName: RootName, setup.NameConstraints ? NameScope.From(options) : null);
            CertificateLinter.Default.EnsureClean(new LintSubject(issuingTbs, rootCert));
            var issuingCert = X509CertificateStructure.GetInstance(CertificateSigner.Sign(issuingTbs, keys.GetSigner(rootKey.Label), setup.RootAlgorithm.DefaultSignature()));

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var root = Entity(RootName, null, rootKey, rootCert, rootSki, now);
            db.Authorities.Add(root);
            await db.SaveChangesAsync(cancellationToken);
            var issuing = Entity(options.IssuingAuthority, root.Id, issuingKey, issuingCert, issuingSki, now);
            db.Authorities.Add(issuing);
            await db.SaveChangesAsync(cancellationToken);
            await audit.AppendAsync(db,
            [
                new AuditRecord(actor, AuditActions.KeyGenerated, rootKey.Label, $"algorithm={setup.RootAlgorithm.ToName()}; backend={keys.Backend}"),
                new AuditRecord(actor, AuditActions.AuthorityCreated, RootName, $"subject={root.SubjectDn}; notAfter={root.NotAfter:O}"),
                new AuditRecord(actor, AuditActions.KeyGenerated, issuingKey.Label, $"algorithm={setup.IssuingAlgorithm.ToName()}; backend={keys.Backend}"),
                new AuditRecord(actor, AuditActions.AuthorityCreated, issuing.Name, $"subject={issuing.SubjectDn}; issuer={RootName}; notAfter={issuing.NotAfter:O}"),
            ], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return [root, issuing];
        }
        catch
        {
            foreach (var label in created)
            {
                keys.Destroy(label);
            }

            throw;
        }
    }

    private TbsCertificateStructure CaTbs(X509Name subject, X509Name issuer, SubjectPublicKeyInfo spki, byte[] ski, byte[] aki,
        DateTime notBefore, DateTime notAfter, SignatureAlgorithm algorithm, int? pathLength, string? issuerName, NameScope? scope = null)
    {
        var generator = new V3TbsCertificateGenerator();
        generator.SetSerialNumber(new DerInteger(SerialNumbers.Generate()));
        generator.SetSignature(SignatureAlgorithms.Identifier(algorithm));
        generator.SetIssuer(issuer);
        generator.SetStartDate(new Time(notBefore));
        generator.SetEndDate(new Time(notAfter));
        generator.SetSubject(subject);
        generator.SetSubjectPublicKeyInfo(spki);

        var extensions = new X509ExtensionsGenerator();
        extensions.AddExtension(X509Extensions.BasicConstraints, true,
            pathLength is { } length ? new BasicConstraints(length) : new BasicConstraints(true));
        extensions.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature));
        ExtensionBuilder.AddKeyIdentifiers(extensions, ski, aki);
        if (scope is not null)
        {
            // RFC 5280 §4.2.1.10: critical; an IPv4 subtree is address + mask (8 octets), IPv6 32 octets.
            var permitted = scope.Domains.Select(d => new GeneralSubtree(new GeneralName(GeneralName.DnsName, d)))
                .Concat(scope.Ranges.Select(r => new GeneralSubtree(new GeneralName(GeneralName.IPAddress, new DerOctetString([.. Masked(r.Network, r.PrefixLength), .. Mask(r.Network.Length, r.PrefixLength)])))))
                .ToArray();
            // NameConstraints ::= SEQUENCE { permittedSubtrees [0] IMPLICIT GeneralSubtrees }
            extensions.AddExtension(X509Extensions.NameConstraints, true, new DerSequence(new DerTaggedObject(false, 0, new DerSequence(permitted))));
        }

        if (issuerName is not null)
        {
            // The issuing CA's own status comes from the root's CRL; the root has no OCSP responder.
            ExtensionBuilder.AddDistributionPoints(extensions, options, issuerName, includeOcsp: false);
        }

        generator.SetExtensions(extensions.Generate());
        return generator.GenerateTbsCertificate();
    }

    private static AuthorityEntity Entity(string name, int? parentId, KeyInfo key, X509CertificateStructure certificate, byte[] ski, DateTime now) => new()
    {
        Name = name,
        ParentId = parentId,
        KeyLabel = key.Label,
        KeyAlgorithm = key.Algorithm.ToName(),
        SubjectDn = certificate.Subject.ToString(),
        CertificateDer = certificate.GetDerEncoded(),
        SubjectKeyId = ski,
        NotBefore = certificate.StartDate.ToDateTime(),
        NotAfter = certificate.EndDate.ToDateTime(),
        CreatedAt = now,
    };

    private static X509Name Name(string country, string organization, string commonName) =>
        new([X509Name.C, X509Name.O, X509Name.CN], [country, organization, commonName]);

    private static byte[] Mask(int length, int prefix)
    {
        var mask = new byte[length];
        for (var bit = 0; bit < prefix; bit++)
        {
            mask[bit / 8] |= (byte)(0x80 >> (bit % 8));
        }

        return mask;
    }

    private static byte[] Masked(byte[] network, int prefix)
    {
        var mask = Mask(network.Length, prefix);
        return network.Select((b, i) => (byte)(b & mask[i])).ToArray();
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
}
