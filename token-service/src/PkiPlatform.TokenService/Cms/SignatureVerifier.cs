using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Asn1.Ess;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Cms;

/// <summary>
/// Verifies CMS SignedData (RFC 5652; attached or detached, any number of signers) and raw signatures:
/// the signature over the content and signed attributes, the ESS signing-certificate(-v2) binding, an
/// embedded RFC 3161 timestamp, the certificate path to the configured anchors (RFC 5280 §6.1) and the
/// status of every certificate in it (OCSP, then CRL), and that the signer's certificate is for document signing
/// (<see cref="DocumentSignerCheck"/>). With a timestamp from a trusted TSA (<see cref="SignerPolicy"/>,
/// <see cref="TimestampCheck"/>), the path and status are judged at the timestamp's time (a certificate revoked after
/// it does not spoil the signature); any other timestamp is ignored and the signature is judged now.
/// </summary>
public sealed class SignatureVerifier(PathValidator paths, RevocationChecker revocation, TimeProvider clock, AlgorithmPolicy? policy = null, SignerPolicy? signers = null)
{
    private readonly AlgorithmPolicy _policy = policy ?? AlgorithmPolicy.Default;
    private readonly SignerPolicy _signers = signers ?? SignerPolicy.Default;
    private readonly TimestampCheck _timestamps = new(paths, revocation, clock, signers ?? SignerPolicy.Default);

    /// <param name="signedData">A DER/BER ContentInfo holding SignedData.</param>
    /// <param name="detachedContent">The content of a detached signature; null for an attached one.</param>
    /// <param name="crls">Offline CRLs: when given, status comes from them (RFC 5280 §6.3) instead of OCSP/CRL fetches.</param>
    public async Task<VerificationReport> VerifyAsync(byte[] signedData, byte[]? detachedContent = null, IReadOnlyList<X509Crl>? crls = null, CancellationToken cancellationToken = default)
    {
        var info = CmsInput.ParseContentInfo(signedData);
        if (GmSignedData.Is(info))
        {
            // GM/T 0010 signedData: read as its RFC 5652 equivalent (the signature covers the content alone).
            info = MalformedInput.Parse(() => GmSignedData.ToRfc5652(info), TokenErrorCodes.CmsMalformed, "the GM/T 0010 signedData is malformed");
        }

        CmsInput.ExpectContentType(info, CmsObjectIdentifiers.SignedData, "SignedData");
        CmsSignedData cms;
        byte[]? content = null;
        try
        {
            var parsed = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(info.Content);
            var detached = parsed.EncapContentInfo.Content is null;
            if (parsed.SignerInfos.Count == 0)
            {
                // Certificates-only SignedData (RFC 5652 §5.1 degenerate case): nothing is signed.
                return new VerificationReport(false, parsed.EncapContentInfo.ContentType.Id, detached, []);
            }

            if (detached && detachedContent is null)
            {
                throw new PkiException(TokenErrorCodes.CmsContentMissing, "the SignedData is detached (it carries no content): send the signed content along with it");
            }

            if (!detached && detachedContent is not null)
            {
                throw new PkiException(TokenErrorCodes.CmsWrongContentType, "the SignedData carries its content (attached); do not send content separately");
            }

            // PKCS#7 v1.5 (RFC 2315) allows content of any type, e.g. Authenticode's SEQUENCE; CMS has an OCTET STRING.
            content = parsed.EncapContentInfo.Content switch
            {
                null => null,
                Asn1OctetString octets => octets.GetOctets(),
                // RFC 2315 §9.3: the digest covers the contents octets of the DER encoding (no tag, no length).
                var other => ContentsOctets(other.ToAsn1Object().GetEncoded(Asn1Encodable.Der)),
            };
            cms = detached ? new CmsSignedData(new CmsProcessableByteArray(detachedContent), info) : new CmsSignedData(info);
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, $"the SignedData is malformed: {ex.Message}", ex);
        }

        var verdicts = new List<SignerVerdict>();
        try
        {
            // BouncyCastle decodes certificates, attributes and names lazily: a malformed part surfaces here, still the caller's input.
            var certificates = cms.GetCertificates().EnumerateMatches(null).ToList();
            var index = 0;
            foreach (var signer in cms.GetSignerInfos().GetSigners())
            {
                var certificate = certificates.FirstOrDefault(c => signer.SignerID.Match(c));
                verdicts.Add(await VerifySignerAsync(index++, signer, certificate, detachedContent ?? content!, cms.SignedContentType, certificates, crls, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is not PkiException && MalformedInput.Is(ex))
        {
            throw new PkiException(TokenErrorCodes.CmsMalformed, $"the SignedData is malformed: {ex.Message}", ex);
        }

        return new VerificationReport(verdicts.Count > 0 && verdicts.TrueForAll(v => v.Verdict == SignerVerdict.ValidVerdict),
            cms.SignedContentType.Id, detachedContent is not null, verdicts) { Content = content };
    }

    /// <summary>A raw signature (no CMS) over <paramref name="data"/> by the key of <paramref name="certificateDer"/>.</summary>
    /// <param name="signatureAlgorithm">e.g. SHA256withECDSA, SHA256withRSA, SHA256withRSAandMGF1, SM3withSM2.</param>
    public async Task<VerificationReport> VerifyRawAsync(byte[] data, byte[] signature, byte[] certificateDer, string signatureAlgorithm,
        IReadOnlyList<X509Certificate>? chain = null, CancellationToken cancellationToken = default)
    {
        var certificate = CmsInput.ParseCertificate(certificateDer);
        var algorithm = RawSignatureAlgorithm.Find(signatureAlgorithm)
            ?? throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm,
                $"signature algorithm '{signatureAlgorithm}' is refused by the algorithm policy: accepted exactly {RawSignatureAlgorithm.AcceptedList} (SHA-1 and unhashed ECDSA are never accepted)");
        var key = PublicKeys.Of(certificate);
        if (algorithm.CheckKey(key) is { } mismatch)
        {
            throw new PkiException(TokenErrorCodes.CmsUnsupportedAlgorithm, mismatch);
        }

        var findings = new List<string>();
        var verdict = _policy.CheckKey(certificate) is { } keyProblem ? Finding(findings, keyProblem)
            : !RawSignatureMatches(algorithm, key, data, signature) ? Finding(findings, "the signature does not match the data and the certificate's key")
            : await JudgeCertificateAsync(certificate, chain ?? [], clock.GetUtcNow().UtcDateTime, null, findings, cancellationToken);
        return new VerificationReport(verdict.Verdict == SignerVerdict.ValidVerdict, "raw", true,
            [Describe(verdict, 0, certificate, algorithm.Name, null, null)]);
    }

    private static bool RawSignatureMatches(RawSignatureAlgorithm algorithm, Org.BouncyCastle.Crypto.AsymmetricKeyParameter key, byte[] data, byte[] signature)
    {
        var verifier = Org.BouncyCastle.Security.SignerUtilities.GetSigner(algorithm.Name);
        verifier.Init(false, key);
        verifier.BlockUpdate(data, 0, data.Length);
        try
        {
            return verifier.VerifySignature(signature);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or InvalidCastException)
        {
            // A signature that is not even well-formed (e.g. not a DER ECDSA-Sig-Value) does not match.
            return false;
        }
    }

    private async Task<SignerVerdict> VerifySignerAsync(int index, SignerInformation signer, X509Certificate? certificate, byte[] content, DerObjectIdentifier contentType,
        List<X509Certificate> carried, IReadOnlyList<X509Crl>? crls, CancellationToken cancellationToken)
    {
        var digest = AlgorithmPolicy.DigestName(signer.DigestAlgorithmID.Algorithm.Id);
        var signingTime = SigningTime(signer, out var malformedTime);
        if (certificate is null)
        {
            return new SignerVerdict { Index = index, DigestAlgorithm = digest, SigningTime = signingTime, Reasons = ["the signer's certificate is not in the SignedData; it cannot be identified"] };
        }

        var findings = new List<string>();
        if (malformedTime is not null)
        {
            findings.Add(malformedTime);
        }

        if (_policy.CheckDigest(signer.DigestAlgorithmID.Algorithm.Id) is { } digestProblem)
        {
            findings.Add(digestProblem);
        }

        if (_policy.CheckKey(certificate) is { } keyProblem)
        {
            findings.Add(keyProblem);
        }

        if (findings.Count > 0)
        {
            return Describe(new Judgement(SignerVerdict.InvalidVerdict, findings), index, certificate, digest, signingTime, null);
        }

        try
        {
            if (SignerInfoCheck.Verify(signer, content, contentType, certificate) is { } failure)
            {
                findings.Add(failure);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            findings.Add($"the signature cannot be checked: {ex.Message}");
        }

        if (findings.Count == 0 && SigningCertificateMismatch(signer, certificate) is { } binding)
        {
            findings.Add(binding);
        }

        if (findings.Count > 0)
        {
            return Describe(new Judgement(SignerVerdict.InvalidVerdict, findings), index, certificate, digest, signingTime, null);
        }

        var timestamp = await _timestamps.VerifyAsync(signer, carried, cancellationToken);
        if (timestamp is { Valid: true, Time: { } genTime } && signingTime > genTime + _signers.SigningTimeTolerance)
        {
            // The token proves the signature existed at genTime; a signer claiming to have signed later contradicts it.
            findings.Add($"the signing-time attribute ({signingTime:yyyy-MM-dd HH:mm:ss} UTC) is later than the timestamp's time ({genTime:yyyy-MM-dd HH:mm:ss} UTC) "
                + $"by more than the {_signers.SigningTimeTolerance.TotalMinutes:0.#}-minute tolerance: the signing time or the timestamp is false");
            return Describe(new Judgement(SignerVerdict.InvalidVerdict, findings), index, certificate, digest, signingTime, timestamp);
        }

        var at = timestamp is { Valid: true, Time: { } stamped } ? stamped : clock.GetUtcNow().UtcDateTime;
        var judgement = await JudgeCertificateAsync(certificate, carried, at, crls, findings, cancellationToken);
        return Describe(judgement, index, certificate, digest, signingTime, timestamp);
    }

    /// <summary>Key usage, path and status of the signer's certificate at <paramref name="at"/>.</summary>
    private async Task<Judgement> JudgeCertificateAsync(X509Certificate certificate, IReadOnlyList<X509Certificate> carried, DateTime at,
        IReadOnlyList<X509Crl>? crls, List<string> findings, CancellationToken cancellationToken)
    {
        if (DocumentSignerCheck.Check(certificate, _signers) is { } notASigner)
        {
            return Finding(findings, notASigner);
        }

        var path = paths.Validate(certificate, carried, at, crls);
        if (!path.IsValid)
        {
            return Finding(findings, $"certificate path not valid at {at:yyyy-MM-dd HH:mm} UTC: {path.Failure}");
        }

        findings.Add($"signature verified; path to trust anchor '{path.Anchor!.SubjectDN}' valid at {at:yyyy-MM-dd HH:mm} UTC");
        if (crls is not null)
        {
            findings.Add("status checked against the supplied CRLs");
            return new Judgement(SignerVerdict.ValidVerdict, findings);
        }

        string? source = null;
        for (var i = 0; i < path.Path.Count; i++)
        {
            var subject = path.Path[i];
            var issuer = i + 1 < path.Path.Count ? path.Path[i + 1] : path.Anchor!;
            var status = await revocation.CheckAsync(subject, issuer, cancellationToken);
            var who = i == 0 ? "signer certificate" : $"CA certificate '{subject.SubjectDN}'";
            source ??= status.Source;
            switch (status.State)
            {
                case RevocationState.Revoked when status.RevokedAt <= at:
                    return Finding(findings, $"{who} revoked on {status.RevokedAt:yyyy-MM-dd HH:mm} UTC, reason {status.ReasonName ?? "unspecified"} ({status.Source})", source: status.Source);
                case RevocationState.Revoked:
                    findings.Add($"{who} revoked on {status.RevokedAt:yyyy-MM-dd HH:mm} UTC, after the time-stamped signing time; the signature stands");
                    break;
                case RevocationState.Unknown:
                    findings.Add($"{who}: revocation status unavailable ({status.Detail})");
                    return new Judgement(SignerVerdict.IndeterminateVerdict, findings, status.Source);
                default:
                    break;
            }
        }

        findings.Add($"not revoked ({source ?? "no certificates to check"})");
        return new Judgement(SignerVerdict.ValidVerdict, findings, source);
    }

    /// <summary>RFC 5035 / RFC 2634 §5.4: the signed ESSCertID(v2) must name the certificate used to verify.</summary>
    private static string? SigningCertificateMismatch(SignerInformation signer, X509Certificate certificate)
    {
        var v2 = signer.SignedAttributes?[PkcsObjectIdentifiers.IdAASigningCertificateV2];
        if (v2 is not null)
        {
            var id = SigningCertificateV2.GetInstance(v2.AttrValues[0]).GetCerts()[0];
            var hash = Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(id.HashAlgorithm.Algorithm, certificate.GetEncoded());
            return hash.AsSpan().SequenceEqual(id.GetCertHash()) ? null : "the signed signing-certificate-v2 attribute names another certificate than the one in the SignedData";
        }

        var v1 = signer.SignedAttributes?[PkcsObjectIdentifiers.IdAASigningCertificate];
        if (v1 is not null)
        {
            var id = SigningCertificate.GetInstance(v1.AttrValues[0]).GetCerts()[0];
            return Org.BouncyCastle.Security.DigestUtilities.CalculateDigest("SHA-1", certificate.GetEncoded()).AsSpan().SequenceEqual(id.GetCertHash()) ? null : "the signed signing-certificate attribute names another certificate than the one in the SignedData";
        }

        return null;
    }

    private static byte[] ContentsOctets(byte[] der)
    {
        var offset = 2;
        if ((der[1] & 0x80) != 0)
        {
            offset += der[1] & 0x7f;
        }

        return der[offset..];
    }

    private static DateTime? SigningTime(SignerInformation signer, out string? problem)
    {
        problem = null;
        var attribute = signer.SignedAttributes?[CmsAttributes.SigningTime];
        try
        {
            return attribute is null ? null : Org.BouncyCastle.Asn1.Cms.Time.GetInstance(attribute.AttrValues[0]).ToDateTime().ToUniversalTime();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException or IndexOutOfRangeException)
        {
            problem = $"the signing-time attribute is malformed (RFC 5652 §11.3): {ex.Message}";
            return null;
        }
    }

    private static Judgement Finding(List<string> findings, string reason, string verdict = SignerVerdict.InvalidVerdict, string? source = null)
    {
        findings.Insert(0, reason);
        return new Judgement(verdict, findings, source);
    }

    private static SignerVerdict Describe(Judgement judgement, int index, X509Certificate certificate, string digest, DateTime? signingTime, TimestampVerdict? timestamp) => new()
    {
        Index = index,
        Verdict = judgement.Verdict,
        Subject = certificate.SubjectDN.ToString(),
        Issuer = certificate.IssuerDN.ToString(),
        Serial = SerialNumbers.ToHex(certificate.SerialNumber.ToByteArrayUnsigned()),
        DigestAlgorithm = digest,
        SigningTime = signingTime,
        Timestamp = timestamp,
        RevocationSource = judgement.Source,
        Reasons = timestamp is { Valid: false, Reason: { } why } ? [.. judgement.Reasons, $"embedded timestamp ignored: {why}"] : judgement.Reasons,
    };

    private sealed record Judgement(string Verdict, IReadOnlyList<string> Reasons, string? Source = null);
}
