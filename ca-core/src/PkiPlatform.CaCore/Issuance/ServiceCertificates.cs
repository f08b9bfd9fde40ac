using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Certificates for the platform's own services (OCSP responders, the TSA, business systems' service keys): a new key
/// generated in the key store of the zone that will hold it (audited), a CSR signed by it, and a certificate through
/// the ordinary checked, linted and audited issuance path. A zone that holds CA keys (the CA, the operator's CLI) issues
/// directly; any other zone writes a <see cref="RaRequestKind.Service"/> request and waits for the CA zone's
/// <see cref="IssuanceWorker"/> to issue it (issue 10: only the CA zone signs certificates).
/// </summary>
public sealed class ServiceCertificates(IKeyStore keys, KeyCustody custody, CertificateIssuer issuer, CaDatabase database, TimeProvider clock, bool direct)
{
    /// <summary>How long a zone without CA keys waits for the CA host to issue its certificate.</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public async Task<IssuedCertificate> IssueForNewKeyAsync(string authority, KeyAlgorithm algorithm, string keyLabel, X509Name subject,
        string profile, int validityDays, string actor, KeyPurpose purpose = KeyPurpose.Signing, AccountBinding? account = null, CancellationToken cancellationToken = default)
    {
        var key = await custody.GenerateAsync(keyLabel, algorithm, actor, purpose, cancellationToken);
        var csr = new Pkcs10CertificationRequest(new KeySignatureFactory(keys.GetSigner(keyLabel)), subject, PublicKeyFactory.CreateKey(key.SubjectPublicKeyInfo), null).GetEncoded();
        if (direct)
        {
            return await issuer.IssueFromAsync(authority, new IssuanceRequest(csr, profile, validityDays, account), actor, cancellationToken);
        }

        if (account is null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "a service certificate requested through the CA queue names the account it is for");
        }

        return await QueueAsync(authority, csr, subject, profile, validityDays, account, actor, cancellationToken);
    }

    private async Task<IssuedCertificate> QueueAsync(string authority, byte[] csr, X509Name subject, string profile, int validityDays, AccountBinding account,
        string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        long id;
        await using (var db = database.CreateContext())
        {
            var request = new RaRequestEntity
            {
                Kind = RaRequestKind.Service, Status = RaRequestStatus.Approved, Profile = profile, CsrDer = csr, SubjectDn = subject.ToString(),
                ApplicantName = account.DisplayName.Length > 0 ? account.DisplayName : account.Identity, Authority = authority, ValidityDays = validityDays,
                SubmittedBy = actor, Account = account.Identity, RequiredApprovals = 0, TrackingCode = SerialNumbers.ToHex(SerialNumbers.Generate()), SubmittedAt = now,
            };
            db.RaRequests.Add(request);
            await db.SaveChangesAsync(cancellationToken);
            id = request.Id;
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync($"NOTIFY {IssuanceWorker.NotifyChannel}", cancellationToken);
            }
        }

        // Waiting is measured in real time: the CA clock may be a test's fixed clock.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await using var db = database.CreateContext();
            var state = await db.RaRequests.AsNoTracking().Where(r => r.Id == id).Select(r => new { r.Status, r.Serial, r.Outcome }).SingleAsync(cancellationToken);
            if (state.Status == RaRequestStatus.Done)
            {
                var issued = await db.Certificates.AsNoTracking().Where(c => c.Serial == state.Serial).SingleAsync(cancellationToken);
                return new IssuedCertificate(issued.Serial, issued.Profile, issued.SubjectDn, issued.NotBefore, issued.NotAfter, issued.Der!);
            }

            if (state.Status == RaRequestStatus.Failed)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"the CA refused service-certificate request {id} ({profile} for {account.Identity}): {state.Outcome}");
            }

            if (waited.Elapsed > QueueTimeout)
            {
                throw new PkiException(PkiErrorCodes.Internal,
                    $"service-certificate request {id} ({profile} for {account.Identity}) was not issued within {QueueTimeout.TotalSeconds:0} s: is the CA host running (dotnet PkiPlatform.CaCore.Host.dll, or pki up)?");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
