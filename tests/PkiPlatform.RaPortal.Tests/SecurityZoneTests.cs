using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>
/// Issue 10: each zone reaches only its own keys. The RA as its host composes it cannot sign with the issuing CA's key;
/// the OCSP zone cannot use the TSA's key or sign certificates; it gets its responder certificate from the CA zone's
/// worker through the queue, and that queue issues platform and system profiles only.
/// </summary>
[NonParallelizable]
public sealed class SecurityZoneTests
{
    [Test]
    public async Task RaHost_CannotSignWithTheIssuingCaKey()
    {
        await using var pki = await TestPki.CreateAsync();
        await using var host = await RaHost.StartAsync(pki);
        var ra = host.Services.GetRequiredService<RegistrationAuthority>();

        var issuing = await ra.Ca.Authorities.GetAsync("issuing");
        var refused = Assert.Throws<PkiException>(() => _ = issuing.Signer)!;

        Assert.That(refused.Code, Is.EqualTo(PkiErrorCodes.KeyOutsideZone));
        Assert.That(refused.Message, Does.Contain("outside the ra zone").And.Contain("belongs to ca"));
        Assert.That(ra.Ca.Keys.List(), Is.Empty, "the RA zone lists no key");
        Assert.That(issuing.Entity.CertificateDer, Is.Not.Empty, "it still reads the CA certificate");
    }

    [Test]
    public async Task OcspZone_GetsItsCertificateThroughTheQueue_CannotReachTsaOrCaKeys()
    {
        await using var pki = await TestPki.CreateAsync();
        var ocsp = pki.Ca.InZone(KeyZone.Ocsp);
        var tsaLabel = pki.Ca.Keys.Generate("tsa-zone-test", KeyAlgorithm.EcP256).Label;

        var issued = await IssuanceWorker.ServeWhileAsync(pki.Ca.InZone(KeyZone.Ca), () => ocsp.ServiceCertificates.IssueForNewKeyAsync("issuing", KeyAlgorithm.EcP256,
            "ocsp-issuing-zone-test", new X509Name("CN=Zone Test OCSP Responder"), "ocsp-signing", 4, "ocsp-responder",
            account: new AccountBinding(AccountIdentity.Platform("ocsp-issuing"), "Zone Test OCSP Responder")));

        var text = ExternalTool.Run("openssl", ["x509", "-inform", "DER", "-noout", "-ext", "extendedKeyUsage", "-in", pki.WriteFile("zone-ocsp.der", issued.Der)]);
        Assert.That(text.StdOut, Does.Contain("OCSP Signing"), text.ToString());
        await using (var db = pki.Ca.Database.CreateContext())
        {
            var request = await db.RaRequests.AsNoTracking().SingleAsync(r => r.Kind == RaRequestKind.Service);
            Assert.That((request.Status, request.Serial, request.Account), Is.EqualTo((RaRequestStatus.Done, issued.Serial, "platform:ocsp-issuing")));
            Assert.That(await db.AuditEvents.AnyAsync(e => e.Action == "certificate.issued" && e.Actor.StartsWith("ca:service-request/")), Is.True);
        }

        var tsa = Assert.Throws<PkiException>(() => ocsp.Keys.GetSigner(tsaLabel))!;
        Assert.That((tsa.Code, tsa.Message), Is.EqualTo((PkiErrorCodes.KeyOutsideZone, tsa.Message)));
        Assert.That(tsa.Message, Does.Contain("outside the ocsp zone").And.Contain("belongs to token-service"));
        var issuing = await ocsp.Authorities.GetAsync("issuing");
        Assert.That(Assert.Throws<PkiException>(() => _ = issuing.Signer)!.Code, Is.EqualTo(PkiErrorCodes.KeyOutsideZone));
    }

    /// <summary>An approved application edited in the database to a platform profile mints nothing: the CA re-checks the audience.</summary>
    [Test]
    public async Task Worker_ApplicationEditedToPlatformProfile_Refused()
    {
        await using var pki = await TestPki.CreateAsync();
        var csr = TestCsr.Create(KeyAlgorithm.EcP256, "CN=Rogue TSA,O=HRSS").Der;
        long id;
        await using (var db = pki.Ca.Database.CreateContext())
        {
            var request = new RaRequestEntity
            {
                Kind = RaRequestKind.Issue, Status = RaRequestStatus.Approved, Profile = "tsa", CsrDer = csr, SubjectDn = "CN=Rogue TSA,O=HRSS",
                Account = "platform:tsa-issuing", SubmittedBy = "anonymous", TrackingCode = "rogue", SubmittedAt = DateTime.UtcNow,
            };
            db.RaRequests.Add(request);
            await db.SaveChangesAsync();
            id = request.Id;
        }

        await new IssuanceWorker(pki.Ca.InZone(KeyZone.Ca), TimeProvider.System).ProcessAsync();

        await using var check = pki.Ca.Database.CreateContext();
        var done = await check.RaRequests.AsNoTracking().SingleAsync(r => r.Id == id);
        Assert.That((done.Status, done.Serial), Is.EqualTo((RaRequestStatus.Failed, (string?)null)));
        Assert.That(done.Outcome, Does.Contain("never issued for an RA application"));
    }

    [Test]
    public async Task ServiceQueue_StaffProfileOrWrongAccountKind_Refused()
    {
        await using var pki = await TestPki.CreateAsync();
        var tokens = pki.Ca.InZone(KeyZone.TokenService);
        int Issued()
        {
            using var db = pki.Ca.Database.CreateContext();
            return db.Certificates.Count();
        }

        var before = Issued();

        var staff = Assert.ThrowsAsync<PkiException>(() => IssuanceWorker.ServeWhileAsync(pki.Ca.InZone(KeyZone.Ca), () => tokens.ServiceCertificates.IssueForNewKeyAsync("issuing",
            KeyAlgorithm.EcP256, "sign-zone-staff", new X509Name("CN=Li Si,O=HRSS"), "staff-auth", 30, "token-service",
            account: new AccountBinding("staff:E1", "Li Si"))))!;
        var kind = Assert.ThrowsAsync<PkiException>(() => IssuanceWorker.ServeWhileAsync(pki.Ca.InZone(KeyZone.Ca), () => tokens.ServiceCertificates.IssueForNewKeyAsync("issuing",
            KeyAlgorithm.EcP256, "tsa-zone-kind", new X509Name("CN=Fake TSA,O=HRSS"), "tsa", 30, "token-service",
            account: new AccountBinding("system:payroll", "Payroll"))))!;

        Assert.That(staff.Message, Does.Contain("issued through the RA with officer approval"));
        Assert.That(kind.Message, Does.Contain("refused"));
        Assert.That(Issued(), Is.EqualTo(before), "nothing issued");
    }
}
