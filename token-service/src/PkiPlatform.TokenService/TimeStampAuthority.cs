using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Tsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Tsp;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService;

/// <summary>
/// RFC 3161 time-stamping (with RFC 5816 ESSCertIDv2): SHA-256/384/512 and SM3 imprints, nonce, certReq,
/// policies, accuracy, unique random serials; every token recorded as evidence. Refusals are
/// TimeStampResp with PKIStatusInfo and failure bits, never an error page.
/// </summary>
public sealed class TimeStampAuthority(CertificateAuthority ca, TsaOptions options, TimeProvider clock) : IAsyncDisposable
{
    private readonly EvidenceWriter _evidence = new(ca.Database);

    private static readonly IList<string> Algorithms =
        [NistObjectIdentifiers.IdSha256.Id, NistObjectIdentifiers.IdSha384.Id, NistObjectIdentifiers.IdSha512.Id, GMObjectIdentifiers.sm3.Id];

    private X509Certificate? _certificate;
    private TimeStampTokenWriter? _writer;

    public X509Certificate Certificate => _certificate ?? throw new InvalidOperationException("call InitializeAsync first");

    /// <summary>Issues the TSA certificate (profile tsa, key in the key store) unless a valid one exists, and loads it.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var issuer = await ca.Authorities.GetAsync(ca.Options.IssuingAuthority, cancellationToken);
        await using var db = ca.Database.CreateContext();
        var record = await db.TsaSigners.AsNoTracking()
            .Where(t => t.AuthorityId == issuer.Id && t.NotAfter > now.AddDays(30))
            .OrderByDescending(t => t.NotAfter).FirstOrDefaultAsync(cancellationToken);
        if (record is null)
        {
            var label = $"tsa-{now:yyyyMMddHHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
            var organization = issuer.Subject.GetValueList(X509Name.O).FirstOrDefault() ?? "PKI";
            var subject = new X509Name([X509Name.CN, X509Name.O], [$"{organization} Time-Stamping Authority", organization]);
            var issued = await ca.ServiceCertificates.IssueForNewKeyAsync(issuer.Name, issuer.KeyAlgorithm, label, subject, "tsa", options.CertificateValidityDays, "tsa",
                account: new AccountBinding(AccountIdentity.Platform("tsa-" + issuer.Name), "Time-Stamping Authority"), cancellationToken: cancellationToken);
            record = new TsaSignerEntity
            {
                AuthorityId = issuer.Id, KeyLabel = label, Serial = issued.Serial, CertificateDer = issued.Der,
                NotBefore = issued.NotBefore, NotAfter = issued.NotAfter, CreatedAt = now,
            };
            db.TsaSigners.Add(record);
            await db.SaveChangesAsync(cancellationToken);
        }

        _certificate = new X509CertificateParser().ReadCertificate(record.CertificateDer);
        _writer = new TimeStampTokenWriter(ca.Keys.GetSigner(record.KeyLabel), X509CertificateStructure.GetInstance(record.CertificateDer));
    }

    /// <summary>Answers one TimeStampReq (DER) with a DER TimeStampResp.</summary>
    public async Task<byte[]> RespondAsync(ReadOnlyMemory<byte> body, string requester, CancellationToken cancellationToken = default)
    {
        var certificate = Certificate;
        if (body.Length == 0 || body.Length > options.MaxRequestBytes)
        {
            return Refuse(PkiFailureInfo.BadRequest, $"the request must be 1..{options.MaxRequestBytes} bytes");
        }

        TimeStampReq request;
        try
        {
            request = TimeStampReq.GetInstance(Asn1Object.FromByteArray(body.ToArray()));
            _ = request.MessageImprint.HashAlgorithm.Algorithm;
        }
        catch (Exception ex) when (ex is NullReferenceException || MalformedInput.Is(ex))
        {
            return Refuse(PkiFailureInfo.BadDataFormat, "the request is not a DER TimeStampReq");
        }

        // Compared as an integer of any size: a version of 2^40 is a refusal, not an overflow.
        if (!request.Version.HasValue(1))
        {
            return Refuse(PkiFailureInfo.BadDataFormat, "only TimeStampReq version 1 exists (RFC 3161 §2.4.1)");
        }

        var algorithm = request.MessageImprint.HashAlgorithm.Algorithm.Id;
        if (!Algorithms.Contains(algorithm))
        {
            return Refuse(PkiFailureInfo.BadAlg, $"hash algorithm {algorithm} is not accepted; use SHA-256, SHA-384, SHA-512 or SM3");
        }

        var imprint = request.MessageImprint.GetHashedMessage();
        if (imprint.Length != ImprintLength(algorithm))
        {
            return Refuse(PkiFailureInfo.BadDataFormat, $"the message imprint is {imprint.Length} bytes; {algorithm} gives {ImprintLength(algorithm)}");
        }

        var policy = request.ReqPolicy?.Id ?? options.DefaultPolicy;
        if (policy != options.DefaultPolicy && !options.AcceptedPolicies.Contains(policy))
        {
            return Refuse(PkiFailureInfo.UnacceptedPolicy, $"policy {policy} is not offered by this TSA");
        }

        if (request.Extensions is not null)
        {
            return Refuse(PkiFailureInfo.UnacceptedExtension, "request extensions are not supported");
        }

        var serial = new Org.BouncyCastle.Math.BigInteger(1, SerialNumbers.Generate());
        var genTime = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        var response = _writer!.Write(request.MessageImprint, new DerObjectIdentifier(policy), serial, genTime, options.AccuracySeconds,
            request.Nonce, request.CertReq?.IsTrue ?? false);

        // Evidence first: a token that could not be recorded is not handed out.
        await _evidence.RecordAsync(new TimestampRecordEntity
        {
            Serial = SerialNumbers.ToHex(serial.ToByteArrayUnsigned()),
            GenTime = genTime,
            HashAlgorithm = algorithm,
            Imprint = Convert.ToHexString(imprint),
            Policy = policy,
            Requester = requester.Length > 256 ? requester[..256] : requester,
        }).WaitAsync(cancellationToken);
        return response;
    }

    /// <summary>A token (DER TimeStampToken, TSA certificate included) over a SHA-256 <paramref name="digest"/>, for the platform's own evidence such as audit checkpoints.</summary>
    public async Task<byte[]> StampAsync(byte[] digest, string requester, CancellationToken cancellationToken = default)
    {
        var generator = new TimeStampRequestGenerator();
        generator.SetCertReq(true);
        var reply = new TimeStampResponse(await RespondAsync(generator.Generate(TspAlgorithms.Sha256, digest).GetEncoded(), requester, cancellationToken));
        return reply.TimeStampToken?.GetEncoded() ?? throw new PkiException(PkiErrorCodes.Internal, $"the TSA refused its own request: {reply.GetStatusString()}");
    }

    public ValueTask DisposeAsync() => _evidence.DisposeAsync();

    private static int ImprintLength(string algorithm) =>
        algorithm == NistObjectIdentifiers.IdSha384.Id ? 48 : algorithm == NistObjectIdentifiers.IdSha512.Id ? 64 : 32;

    private static byte[] Refuse(int failure, string text) =>
        new TimeStampResponseGenerator(null!, Algorithms).GenerateFailResponse(PkiStatus.Rejection, failure, text).GetEncoded();
}
