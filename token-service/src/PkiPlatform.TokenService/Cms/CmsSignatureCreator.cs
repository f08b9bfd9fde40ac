using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.Utilities.Collections;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;
using Attribute = Org.BouncyCastle.Asn1.Cms.Attribute;
using AttributeTable = Org.BouncyCastle.Asn1.Cms.AttributeTable;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// CMS SignedData (RFC 5652) with a key the platform holds for the calling system: attached or detached,
/// signed attributes content-type, message-digest, signing-time and ESS signing-certificate-v2 (RFC 5035),
/// optionally an RFC 3161 timestamp over the signature as unsigned attribute (id-aa-signatureTimeStampToken).
/// The signer certificate and its issuing CA certificate travel in the SignedData.
/// </summary>
public sealed class CmsSignatureCreator(CertificateAuthority ca, ServiceKeys keys, TimeStampAuthority? tsa, TimeProvider clock)
{
    public async Task<byte[]> SignAsync(string caller, string keyLabel, byte[] content, bool detached, bool timestamp, CancellationToken cancellationToken = default)
    {
        if (timestamp && tsa is null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "this token service has no time-stamping authority; sign without timestamp");
        }

        var key = await keys.ResolveAsync(keyLabel, caller, ServiceKeyUsage.Sign, cancellationToken);
        var certificate = new X509CertificateParser().ReadCertificate(key.CertificateDer);
        var issuing = await ca.Authorities.GetAsync(ca.Options.IssuingAuthority, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;

        var attributes = new Dictionary<DerObjectIdentifier, object>
        {
            [CmsAttributes.SigningTime] = new Attribute(CmsAttributes.SigningTime, new DerSet(new Org.BouncyCastle.Asn1.Cms.Time(now))),
            [PkcsObjectIdentifiers.IdAASigningCertificateV2] = new Attribute(PkcsObjectIdentifiers.IdAASigningCertificateV2, new DerSet(
                new SigningCertificateV2([new EssCertIDv2(new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256),
                    System.Security.Cryptography.SHA256.HashData(key.CertificateDer),
                    new IssuerSerial(new GeneralNames(new GeneralName(certificate.IssuerDN)), new DerInteger(certificate.SerialNumber)))]))),
        };
        var signer = new SignerInfoGeneratorBuilder()
            .WithSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)))
            .Build(new KeySignatureFactory(ca.Keys.GetSigner(key.KeyLabel)), certificate);
        var generator = new CmsSignedDataGenerator();
        generator.AddSignerInfoGenerator(signer);
        generator.AddCertificates(CollectionUtilities.CreateStore(new[] { certificate, new X509Certificate(issuing.Certificate) }));
        var signed = generator.Generate(new CmsProcessableByteArray(content), !detached);

        if (timestamp)
        {
            signed = await AddTimestampAsync(signed, caller, cancellationToken);
        }

        var der = signed.ContentInfo.GetDerEncoded();
        await using (var db = ca.Database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ca.Audit.AppendAsync(db, [new AuditRecord(caller, AuditActions.CmsSigned, key.KeyLabel,
                $"content_sha256={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))}; bytes={content.Length}; detached={detached}; timestamp={timestamp}")], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return der;
    }

    private async Task<CmsSignedData> AddTimestampAsync(CmsSignedData signed, string caller, CancellationToken cancellationToken)
    {
        var signerInfo = signed.GetSignerInfos().GetSigners().Single();
        var requests = new TimeStampRequestGenerator();
        requests.SetCertReq(true);
        var request = requests.Generate(NistObjectIdentifiers.IdSha256, System.Security.Cryptography.SHA256.HashData(signerInfo.GetSignature()),
                new Org.BouncyCastle.Math.BigInteger(64, new Org.BouncyCastle.Security.SecureRandom()));
        var response = new TimeStampResponse(await tsa!.RespondAsync(request.GetEncoded(), caller, cancellationToken));
        var token = response.TimeStampToken
            ?? throw new PkiException(PkiErrorCodes.Internal, $"the time-stamping authority refused: {response.GetStatusString()}");
        var unsigned = new AttributeTable(new Dictionary<DerObjectIdentifier, object>
        {
            [PkcsObjectIdentifiers.IdAASignatureTimeStampToken] = new Attribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken,
                new DerSet(Asn1Object.FromByteArray(token.GetEncoded()))),
        });
        var stamped = SignerInformation.ReplaceUnsignedAttributes(signerInfo, unsigned);
        return CmsSignedData.ReplaceSigners(signed, new SignerInformationStore(stamped));
    }
}
