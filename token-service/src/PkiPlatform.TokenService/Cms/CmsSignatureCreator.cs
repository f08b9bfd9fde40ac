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
    /// <param name="format">"rfc5652" (default) or <see cref="GmSignedData.Format"/> (GM/T 0010, SM2 keys only).</param>
    public async Task<byte[]> SignAsync(string caller, string keyLabel, byte[] content, bool detached, bool timestamp, string? format = null, CancellationToken cancellationToken = default)
    {
        if (timestamp && tsa is null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "this token service has no time-stamping authority; sign without timestamp");
        }

        if (format is not (null or "rfc5652" or GmSignedData.Format))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"format '{format}' is not offered; use rfc5652 (RFC 5652 CMS, the default) or {GmSignedData.Format} (GM/T 0010, SM2 keys)");
        }

        var key = await keys.ResolveAsync(keyLabel, caller, ServiceKeyUsage.Sign, cancellationToken);
        var certificate = new X509CertificateParser().ReadCertificate(key.CertificateDer);
        var issuing = await ca.Authorities.GetAsync(ca.Options.IssuingAuthority, cancellationToken);
        if (format == GmSignedData.Format)
        {
            return await AuditedAsync(caller, key.KeyLabel, content, detached, timestamp, format, await SignGmAsync(caller, key.KeyLabel, certificate, issuing.Certificate, content, detached, timestamp, cancellationToken), cancellationToken);
        }

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

        return await AuditedAsync(caller, key.KeyLabel, content, detached, timestamp, "rfc5652", signed.ContentInfo.GetDerEncoded(), cancellationToken);
    }

    private async Task<byte[]> AuditedAsync(string caller, string keyLabel, byte[] content, bool detached, bool timestamp, string format, byte[] der, CancellationToken cancellationToken)
    {
        await using (var db = ca.Database.CreateContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await ca.Audit.AppendAsync(db, [new AuditRecord(caller, AuditActions.CmsSigned, keyLabel,
                $"content_sha256={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(content))}; bytes={content.Length}; detached={detached}; timestamp={timestamp}; format={format}")], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return der;
    }

    /// <summary>GM/T 0010 signedData (<see cref="GmSignedData"/>): SM3withSM2 over the content itself, by the key store.</summary>
    private async Task<byte[]> SignGmAsync(string caller, string keyLabel, X509Certificate certificate, X509CertificateStructure issuing, byte[] content, bool detached, bool timestamp,
        CancellationToken cancellationToken)
    {
        var signingKey = ca.Keys.GetSigner(keyLabel);
        if (signingKey.Info.Algorithm != KeyAlgorithm.Sm2)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"format {GmSignedData.Format} signs with SM2 keys only; key {keyLabel} is {signingKey.Info.Algorithm.ToName()}: use format rfc5652");
        }

        byte[] signature;
        using (var operation = signingKey.BeginSign(SignatureAlgorithm.Sm3WithSm2))
        {
            operation.Update(content);
            signature = operation.Complete();
        }

        Asn1Set? unsigned = null;
        if (timestamp)
        {
            var token = await TimestampTokenAsync(signature, caller, cancellationToken);
            unsigned = new DerSet(new Attribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken, new DerSet(Asn1Object.FromByteArray(token.GetEncoded()))));
        }

        return GmSignedData.Create(content, detached, certificate.CertificateStructure, [certificate.CertificateStructure, issuing], signature, unsigned).GetDerEncoded();
    }

    /// <summary>An RFC 3161 token over the SHA-256 of a signature value (id-aa-signatureTimeStampToken, RFC 3161 Appendix A).</summary>
    private async Task<TimeStampToken> TimestampTokenAsync(byte[] signature, string caller, CancellationToken cancellationToken)
    {
        var requests = new TimeStampRequestGenerator();
        requests.SetCertReq(true);
        var request = requests.Generate(NistObjectIdentifiers.IdSha256, System.Security.Cryptography.SHA256.HashData(signature),
                new Org.BouncyCastle.Math.BigInteger(64, new Org.BouncyCastle.Security.SecureRandom()));
        var response = new TimeStampResponse(await tsa!.RespondAsync(request.GetEncoded(), caller, cancellationToken));
        return response.TimeStampToken
            ?? throw new PkiException(PkiErrorCodes.Internal, $"the time-stamping authority refused: {response.GetStatusString()}");
    }

    private async Task<CmsSignedData> AddTimestampAsync(CmsSignedData signed, string caller, CancellationToken cancellationToken)
    {
        var signerInfo = signed.GetSignerInfos().GetSigners().Single();
        var token = await TimestampTokenAsync(signerInfo.GetSignature(), caller, cancellationToken);
        var unsigned = new AttributeTable(new Dictionary<DerObjectIdentifier, object>
        {
            [PkcsObjectIdentifiers.IdAASignatureTimeStampToken] = new Attribute(PkcsObjectIdentifiers.IdAASignatureTimeStampToken,
                new DerSet(Asn1Object.FromByteArray(token.GetEncoded()))),
        });
        var stamped = SignerInformation.ReplaceUnsignedAttributes(signerInfo, unsigned);
        return CmsSignedData.ReplaceSigners(signed, new SignerInformationStore(stamped));
    }
}
