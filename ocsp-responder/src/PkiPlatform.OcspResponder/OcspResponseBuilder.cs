using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using PkiPlatform.KeyStore.Signing;
using OcspCertStatus = Org.BouncyCastle.Ocsp.CertificateStatus;

namespace PkiPlatform.OcspResponder;

/// <summary>Builds and signs BasicOCSPResponses (RFC 6960 §4.2.1) with the CA's delegated responder key.</summary>
public static class OcspResponseBuilder
{
    /// <summary>id-pkix-ocsp-extended-revoke (RFC 6960 §4.4.8): marks "revoked" answers for non-issued serials.</summary>
    public static readonly DerObjectIdentifier ExtendedRevoke = new("1.3.6.1.5.5.7.48.1.9");

    /// <summary>RFC 6960 §2.2: the revocation time of a non-issued serial.</summary>
    public static readonly DateTime NonIssuedRevocationTime = DateTime.UnixEpoch;

    private static readonly byte[][] ErrorResponses = Enumerable.Range(0, 7)
        .Select(status => new byte[] { 0x30, 0x03, 0x0A, 0x01, (byte)status }).ToArray();

    /// <summary>An OCSPResponse with no body: malformedRequest, internalError, tryLater, unauthorized.</summary>
    public static byte[] Error(OcspStatus status) => ErrorResponses[(int)status];

    public static byte[] Build(ResponderIdentity responder, IReadOnlyList<(CertificateID Id, CertificateState State)> answers,
        byte[]? nonceExtensionValue, bool extendedRevoke, DateTime now, DateTime nextUpdate)
    {
        var generator = new BasicOcspRespGenerator(responder.ResponderId);
        foreach (var (id, state) in answers)
        {
            generator.AddResponse(id, ToStatus(state), now, nextUpdate, null);
        }

        var extensions = new Dictionary<DerObjectIdentifier, X509Extension>();
        if (nonceExtensionValue is not null)
        {
            extensions[OcspObjectIdentifiers.PkixOcspNonce] = new X509Extension(false, new DerOctetString(nonceExtensionValue));
        }

        if (extendedRevoke)
        {
            extensions[ExtendedRevoke] = new X509Extension(false, new DerOctetString(DerNull.Instance.GetEncoded()));
        }

        if (extensions.Count > 0)
        {
            generator.SetResponseExtensions(new X509Extensions(extensions));
        }

        var basic = generator.Generate(new KeySignatureFactory(responder.Signer), responder.Chain, now);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    private static OcspCertStatus? ToStatus(CertificateState state) => state.Kind switch
    {
        CertificateStateKind.Good => OcspCertStatus.Good,
        CertificateStateKind.Revoked => state.Reason is { } reason ? new RevokedStatus(state.RevokedAt!.Value, reason) : new RevokedStatus(new RevokedInfo(new Asn1GeneralizedTime(state.RevokedAt!.Value), null)),
        _ => new UnknownStatus(),
    };
}
