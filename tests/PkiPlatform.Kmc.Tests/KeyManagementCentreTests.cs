using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Kmc.Tests;

/// <summary>
/// The KMC against a real CA (SQLite, and PostgreSQL under ops/scripts/test.sh): archive rows hold only ciphertext,
/// the two-officer recovery rule, and consistency when issuance stops half-way.
/// </summary>
[TestFixtureSource(typeof(TestDatabase), nameof(TestDatabase.Providers))]
public sealed class KeyManagementCentreTests(string provider)
{
    private TestPki _pki = null!;
    private KeyManagementCentre _kmc = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pki = await TestPki.CreateAsync(KeyAlgorithm.Sm2, provider);
        _kmc = new KeyManagementCentre(_pki.Ca, new KmcOptions { PoolSizes = new() { [KeyAlgorithm.Sm2] = 4 }, MasterKeyFile = Path.Combine(_pki.Directory, "kmc", "master.key") });
        await _kmc.InitializeAsync();
    }

    [TearDown]
    public async Task TearDown()
    {
        // SetUp may have stopped early (PostgreSQL not configured: the fixture is ignored).
        _kmc?.Dispose();
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private async Task<(DualIssuedCertificate Dual, TestCsr.Generated Signing)> IssueAsync(string subject = "CN=Zhang San,O=HRSS", IEncryptionKeySource? source = null)
    {
        var signing = TestCsr.Create(KeyAlgorithm.Sm2, subject);
        var dual = await _pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(signing.Der, "staff-sm2-dual"), source ?? _kmc, "test", "test");
        return (dual, signing);
    }

    private static ECPrivateKeyParameters PrivateKey(string pem)
    {
        using var reader = new StringReader(pem);
        var read = new PemReader(reader).ReadObject();
        return (ECPrivateKeyParameters)(read is Org.BouncyCastle.Crypto.AsymmetricCipherKeyPair pair ? pair.Private : read);
    }

    [Test]
    public async Task DualIssuance_ArchivesOnlyCiphertext_AndTheEnvelopeHoldsTheCertifiedKey()
    {
        var (dual, signing) = await IssueAsync();
        var opened = KeyEnvelopes.OpenSm2(dual.Envelope.Der, PrivateKey(signing.PrivateKeyPem));
        var certified = (ECPublicKeyParameters)new X509CertificateParser().ReadCertificate(dual.Encryption.Der).GetPublicKey();
        Assert.That(certified.Parameters.G.Multiply(opened.D).Normalize().Equals(certified.Q.Normalize()), Is.True, "the envelope holds the certified key");

        var row = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == dual.KeyId));
        Assert.That(row.Status, Is.EqualTo(ArchivedKeyStatus.Active));
        Assert.That(row.CertificateSerial, Is.EqualTo(dual.Encryption.Serial));
        var d = opened.D.ToByteArrayUnsigned();
        Assert.That(row.Ciphertext.AsSpan().IndexOf(d), Is.EqualTo(-1), "the private scalar is not in the row");
        Assert.That(row.Ciphertext.AsSpan().IndexOf(Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(opened).GetDerEncoded()), Is.EqualTo(-1));

        // The audit chain holds the archive events and still verifies.
        await using var db = _pki.Ca.Database.CreateContext();
        var actions = await db.AuditEvents.AsNoTracking().Where(e => e.Target == $"kmc/{dual.KeyId}").Select(e => e.Action).ToListAsync();
        Assert.That(actions, Is.EquivalentTo(new[] { KmcAuditActions.KeyArchived, KmcAuditActions.KeyActivated }));
        Assert.That((await PkiPlatform.CaCore.Audit.AuditTrail.VerifyAsync(db, default)).IsIntact, Is.True);
    }

    [Test]
    public async Task Recovery_NeedsTwoDistinctKeyRecoveryOfficers_NotTheRequester_NotAnRaOfficer()
    {
        var (dual, _) = await IssueAsync();
        var first = await _pki.AccountAsync("staff:kr1", "CN=Recovery One,O=HRSS", RaRole.KeyRecoveryOfficer);
        var second = await _pki.AccountAsync("staff:kr2", "CN=Recovery Two,O=HRSS", RaRole.KeyRecoveryOfficer);
        var third = await _pki.AccountAsync("staff:kr3", "CN=Recovery Three,O=HRSS", RaRole.KeyRecoveryOfficer);
        var raOfficer = await _pki.AccountAsync("staff:o1", "CN=Officer One,O=HRSS", RaRole.Officer);
        // The subscriber's new USB key: a new signing certificate for the same person.
        var newKey = await _pki.IssueAsync("staff-signing", "CN=Zhang San,O=HRSS", key: KeyAlgorithm.Sm2);
        var authority = _pki.Ca.Options.IssuingAuthority;

        var byRaOfficer = Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Subscriber, newKey.Der, raOfficer.Credential, "lost key"));
        Assert.That(byRaOfficer!.Code, Is.EqualTo(KmcErrorCodes.Forbidden));
        var id = await _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Subscriber, newKey.Der, first.Credential, "USB key lost, ticket 42");

        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(id, first.Credential, "mine"))!.Code, Is.EqualTo(KmcErrorCodes.SameOfficer));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(id, raOfficer.Credential, "ok"))!.Code, Is.EqualTo(KmcErrorCodes.Forbidden));
        var one = await _kmc.ApproveRecoveryAsync(id, second.Credential, "identity checked in person");
        Assert.That(one.Status, Is.EqualTo(RecoveryStatus.Pending));
        Assert.That(one.Envelope, Is.Null, "one approval releases nothing");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(id, second.Credential, "again"))!.Code, Is.EqualTo(KmcErrorCodes.SameOfficer));

        var two = await _kmc.ApproveRecoveryAsync(id, third.Credential, "ticket verified");
        Assert.That(two.Status, Is.EqualTo(RecoveryStatus.Released));
        var opened = KeyEnvelopes.OpenSm2(two.Envelope!.Der, PrivateKey(await File.ReadAllTextAsync(newKey.KeyPath)));
        var certified = (ECPublicKeyParameters)new X509CertificateParser().ReadCertificate(dual.Encryption.Der).GetPublicKey();
        Assert.That(certified.Parameters.G.Multiply(opened.D).Normalize().Equals(certified.Q.Normalize()), Is.True, "the same encryption key, for the new signing key");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(id, second.Credential, "late"))!.Code, Is.EqualTo(KmcErrorCodes.KeyState));

        await using var db = _pki.Ca.Database.CreateContext();
        var approvals = await db.AuditEvents.AsNoTracking().Where(e => e.Action == KmcAuditActions.RecoveryApproved).Select(e => e.Actor).ToListAsync();
        Assert.That(approvals, Has.Count.EqualTo(2));
        Assert.That(approvals, Has.Some.Contains("staff:kr2").And.Some.Contains("staff:kr3"));
    }

    [Test]
    public async Task Recovery_ToAnotherPersonsCertificate_OrAForeignOne_IsRefused()
    {
        var (dual, _) = await IssueAsync();
        var officer = await _pki.AccountAsync("staff:kr1", "CN=Recovery One,O=HRSS", RaRole.KeyRecoveryOfficer);
        var someoneElse = await _pki.IssueAsync("staff-signing", "CN=Li Si,O=HRSS", key: KeyAlgorithm.Sm2);
        var authority = _pki.Ca.Options.IssuingAuthority;
        var other = Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Subscriber, someoneElse.Der, officer.Credential, "lost"));
        Assert.That(other!.Code, Is.EqualTo(KmcErrorCodes.Recipient));

        await using var foreign = await TestPki.CreateAsync(KeyAlgorithm.Sm2);
        var outsider = await foreign.IssueAsync("staff-signing", "CN=Zhang San,O=HRSS", key: KeyAlgorithm.Sm2);
        var foreignRecipient = Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, outsider.Der, officer.Credential, "order 7"));
        Assert.That(foreignRecipient!.Code, Is.EqualTo(KmcErrorCodes.Recipient));
    }

    /// <summary>
    /// A subscriber recovery is decided by the account: the new signing certificate must be bound to the same account as
    /// the encryption certificate (a renewal with the account's own certificate), not merely carry a similar name.
    /// </summary>
    [Test]
    public async Task SubscriberRecovery_GoesOnlyToTheSameAccountsCertificate()
    {
        var signing = TestCsr.Create(KeyAlgorithm.Sm2, "CN=Wang Wu,O=HRSS");
        var dual = await _pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(signing.Der, "staff-sm2-dual", Account: new AccountBinding("staff:W1", "Wang Wu")), _kmc, "test", "test");
        var officer = await _pki.AccountAsync("staff:kr1", "CN=Recovery One,O=HRSS", RaRole.KeyRecoveryOfficer);
        var authority = _pki.Ca.Options.IssuingAuthority;
        var otherAccount = await _pki.IssueAsync("staff-signing", "CN=Wang Wu Two,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:W2", "Wang Wu Two"));
        var refused = Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Subscriber, otherAccount.Der, officer.Credential, "lost"));
        Assert.That(refused!.Code, Is.EqualTo(KmcErrorCodes.Recipient));
        Assert.That(refused.Message, Does.Contain("staff:W1").And.Contain("staff:W2"));

        var renewed = await _pki.IssueAsync("staff-signing", "CN=Wang Wu,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:W1", "Wang Wu") { Renewal = true });
        Assert.That(await _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Subscriber, renewed.Der, officer.Credential, "new USB key"), Is.GreaterThan(0));
    }

    /// <summary>
    /// Attacks on dual control: two officers giving the last approval at the same moment (one release, not two), an
    /// approval for a recovery other than the one shown (digest), a judicial recovery to the requester's own certificate,
    /// the recipient approving a release to themself, a recipient that is no person's account; and the encryption
    /// certificate, whose key the KMC holds, never authenticates its account.
    /// </summary>
    [Test]
    public async Task Recovery_DualControlHolds_UnderConcurrencyAndAgainstSelfDealing()
    {
        var (dual, _) = await IssueAsync();
        var officers = new List<TestAccount>();
        for (var i = 1; i <= 4; i++)
        {
            officers.Add(await _pki.AccountAsync($"staff:kr{i}", $"CN=Recovery {i},O=HRSS", RaRole.KeyRecoveryOfficer));
        }

        var clerk = await _pki.AccountAsync("staff:clerk", "CN=Court Clerk,O=HRSS");
        // An SM2 key is enveloped only for an SM2 certificate: refused when asked, not at the release.
        var authority = _pki.Ca.Options.IssuingAuthority;
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, clerk.Leaf.Der, officers[0].Credential, "order"))!.Message,
            Does.Contain("only for an SM2 certificate"));
        var clerkSm2 = await _pki.IssueAsync("staff-signing", "CN=Court Clerk,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:clerk") { Renewal = true });
        var officerSm2 = await _pki.IssueAsync("staff-signing", "CN=Recovery 2,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:kr2") { Renewal = true });
        var ownSm2 = await _pki.IssueAsync("staff-signing", "CN=Recovery 1,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:kr1") { Renewal = true });
        var own = Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, ownSm2.Der, officers[0].Credential, "for me"));
        Assert.That(own!.Message, Does.Contain("of their own account"));
        var system = await _pki.AccountAsync("system:payroll", "CN=Payroll,O=HRSS");
        var systemSm2 = await _pki.IssueAsync("business-system", "CN=Payroll,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("system:payroll") { Renewal = true });
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, systemSm2.Der, officers[0].Credential, "order"))!.Message,
            Does.Contain("a person's active account"));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, (RecoveryKind)7, clerk.Leaf.Der, officers[0].Credential, "order"))!.Code,
            Is.EqualTo(PkiErrorCodes.InvalidArgument));

        // To officer 2's certificate: officer 2 cannot approve it.
        var toOfficer = await _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, officerSm2.Der, officers[0].Credential, "order 8");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(toOfficer, officers[1].Credential, "mine"))!.Code, Is.EqualTo(KmcErrorCodes.Recipient));

        var id = await _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, clerkSm2.Der, officers[0].Credential, "court order 9");
        var shown = await _kmc.DescribeRecoveryAsync(id, officers[1].Credential);
        Assert.That((shown.RequestedBy, shown.RecipientAccount, shown.Reason, shown.ApprovedBy.Count), Is.EqualTo(("staff:kr1", "staff:clerk", "court order 9", 0)));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(id, officers[1].Credential, "ok", new string('0', 64)))!.Code, Is.EqualTo(KmcErrorCodes.RecoveryChanged));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.DescribeRecoveryAsync(id, clerk.Credential))!.Code, Is.EqualTo(KmcErrorCodes.Forbidden));
        await _kmc.ApproveRecoveryAsync(id, officers[1].Credential, "order checked", shown.Digest);

        using var start = new Barrier(2);
        var outcomes = await Task.WhenAll(officers.Skip(2).Select(officer => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                return (await _kmc.ApproveRecoveryAsync(id, officer.Credential, "order checked too", shown.Digest)).Status.ToString();
            }
            catch (PkiException ex) when (ex.Code == KmcErrorCodes.KeyState)
            {
                return ex.Code;
            }
        })));
        Assert.That(outcomes, Is.EquivalentTo(new[] { nameof(RecoveryStatus.Released), KmcErrorCodes.KeyState }), string.Join(" | ", outcomes));
        await using var db = _pki.Ca.Database.CreateContext();
        Assert.That(await db.AuditEvents.CountAsync(e => e.Action == KmcAuditActions.KeyReleased), Is.EqualTo(1), "one release");
        Assert.That(await _kmc.Store.ReadAsync(kmc => kmc.RecoveryApprovals.CountAsync(a => a.RecoveryId == id)), Is.EqualTo(2));

        var shownAgain = await _kmc.DescribeRecoveryAsync(id, officers[3].Credential);
        Assert.That((shownAgain.Status, shownAgain.Envelope?.Format), Is.EqualTo((RecoveryStatus.Released, EnvelopeFormats.Sm2EnvelopedKey)), "the envelope can be fetched again");

        // A pending recovery expires: approvals come within Kmc:RecoveryExpiryHours (72) of the request, or never.
        var stale = await _kmc.RequestRecoveryAsync(authority, dual.Encryption.Serial, RecoveryKind.Judicial, clerkSm2.Der, officers[0].Credential, "court order 10");
        _pki.Clock.Advance(TimeSpan.FromHours(73));
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _kmc.ApproveRecoveryAsync(stale, officers[1].Credential, "late"))!.Message, Does.Contain("expired after 72 h"));

        var (credential, refusal) = await _pki.Ca.Accounts.AuthenticateAsync(dual.Encryption.Der);
        Assert.That(credential, Is.Null);
        Assert.That(refusal, Does.Contain("proves no identity"));
    }

    /// <summary>A KMC whose answers are altered on the way (a buggy or compromised key source): the CA must not certify them.</summary>
    private sealed class AlteredGrants(KeyManagementCentre inner, Func<IReadOnlyList<EncryptionKeyGrant>, IReadOnlyList<EncryptionKeyApplication>, IReadOnlyList<EncryptionKeyGrant>> alter) : IEncryptionKeySource
    {
        public async Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default) =>
            alter(await inner.ApplyAsync(applications, cancellationToken), applications);

        public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
            inner.ConfirmAsync(confirmations, cancellationToken);

        public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(keyIds, reason, cancellationToken);
    }

    /// <summary>
    /// Attack on the CA↔KMC contract now that the KMC returns a bare public key (no PKCS#10): a missing, repeated,
    /// foreign-type or malformed key, or the applicant's own signing key presented as the encryption key, is refused
    /// with kmc.bad_response before anything is signed, and the reserved keys are abandoned.
    /// </summary>
    [Test]
    public async Task AlteredKmcAnswers_Refused_NothingIssued()
    {
        var p256 = Org.BouncyCastle.X509.SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(
            PkiPlatform.Kmc.KeyPairPool.Generate(KeyAlgorithm.EcP256).Public).GetDerEncoded();
        var cases = new (string Name, Func<IReadOnlyList<EncryptionKeyGrant>, IReadOnlyList<EncryptionKeyApplication>, IReadOnlyList<EncryptionKeyGrant>> Alter)[]
        {
            ("none", (g, _) => []),
            ("two for one", (g, _) => [g[0], g[0] with { KeyId = "other" }]),
            ("no public key", (g, _) => [g[0] with { PublicKey = [] }]),
            ("not DER", (g, _) => [g[0] with { PublicKey = [0x30, 0x03, 0x01] }]),
            ("a P-256 key for an SM2 application", (g, _) => [g[0] with { PublicKey = p256 }]),
        };
        await using var db = _pki.Ca.Database.CreateContext();
        var before = await db.Certificates.CountAsync();
        foreach (var (name, alter) in cases)
        {
            var error = Assert.ThrowsAsync<PkiException>(() => IssueAsync($"CN=Altered {name},O=HRSS", new AlteredGrants(_kmc, alter)), name);
            Assert.That(error!.Code, Is.EqualTo(CaErrorCodes.KmcResponse), $"{name}: {error.Message}");
        }

        // The applicant's signing key returned as the encryption key: the CA would certify a key the KMC never archived.
        var signing = TestCsr.Create(KeyAlgorithm.Sm2, "CN=Own Key,O=HRSS");
        var own = Org.BouncyCastle.Asn1.Pkcs.CertificationRequest.GetInstance(signing.Der).GetCertificationRequestInfo().SubjectPublicKeyInfo.GetDerEncoded();
        var theirs = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(signing.Der, "staff-sm2-dual"),
            new AlteredGrants(_kmc, (g, _) => [g[0] with { PublicKey = own }]), "test", "test"));
        Assert.That(theirs!.Code, Is.EqualTo(CaErrorCodes.KmcResponse));
        Assert.That(theirs.Message, Does.Contain("signing key"));
        Assert.That(await db.Certificates.CountAsync(), Is.EqualTo(before), "no certificate, not even an intent, for any altered answer");
    }

    /// <summary>A KMC that stops after the CA issued but before it confirmed (the process killed at that point).</summary>
    private sealed class StopsBeforeConfirm(KeyManagementCentre inner) : IEncryptionKeySource
    {
        public Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default) =>
            inner.ApplyAsync(applications, cancellationToken);

        public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
            throw new IOException("the KMC went away");

        public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(keyIds, reason, cancellationToken);
    }

    [Test]
    public async Task StoppedHalfWay_TheSweepLeavesNoKeyWithoutCertificate_AndNoCertificateWithoutKey()
    {
        // Stopped between issuance and confirmation: the certificate exists, the key is reserved.
        Assert.ThrowsAsync<IOException>(() => IssueAsync("CN=Half Way,O=HRSS", new StopsBeforeConfirm(_kmc)));
        // Stopped before issuance: a reserved key without a certificate.
        var orphan = (await _kmc.ApplyAsync([new EncryptionKeyApplication("test", KeyAlgorithm.Sm2, new Org.BouncyCastle.Asn1.X509.X509Name("CN=Never Issued,O=HRSS").GetDerEncoded(), "test")]))[0];

        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((0, 0, 0)), "reservations younger than the timeout are left alone");
        _pki.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((1, 1, 0)));

        var rows = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().ToListAsync());
        var gone = rows.Single(r => r.KeyId == orphan.KeyId);
        Assert.That(gone.Status, Is.EqualTo(ArchivedKeyStatus.Abandoned));
        Assert.That(gone.Ciphertext, Is.Empty, "an abandoned key is erased");
        var kept = rows.Single(r => r.KeyId != orphan.KeyId);
        Assert.That(kept.Status, Is.EqualTo(ArchivedKeyStatus.Active));

        // Every encryption certificate has its archived key.
        await using var db = _pki.Ca.Database.CreateContext();
        var encryptionSerials = await db.Certificates.AsNoTracking().Where(c => c.Profile == "staff-dual-encryption" && c.Status != CertificateStatus.Intent).Select(c => c.Serial).ToListAsync();
        Assert.That(encryptionSerials, Is.EquivalentTo(rows.Where(r => r.Status == ArchivedKeyStatus.Active).Select(r => r.CertificateSerial)));
    }

    /// <summary>
    /// The race between the sweep and a slow CA: a reservation past its timeout whose certificate intent is still open
    /// (the CA stalled between recording the intent and storing the certificate) is not erased, since the intent may still
    /// be completed with that key; once the CA's recovery drops the intent, the reservation is abandoned.
    /// </summary>
    [Test]
    public async Task Sweep_KeepsAStaleReservation_WhileACertificateIntentIsOpen()
    {
        var granted = (await _kmc.ApplyAsync([new EncryptionKeyApplication("test", KeyAlgorithm.Sm2, new Org.BouncyCastle.Asn1.X509.X509Name("CN=Slow CA,O=HRSS").GetDerEncoded(), "test")]))[0];
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            var authority = await db.Authorities.AsNoTracking().Where(a => a.Name == _pki.Ca.Options.IssuingAuthority).Select(a => a.Id).SingleAsync();
            var now = _pki.Clock.GetUtcNow().UtcDateTime;
            db.Certificates.Add(new CertificateEntity
            {
                AuthorityId = authority, Serial = "7E57" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)), Profile = "staff-dual-encryption", SubjectDn = "CN=Slow CA,O=HRSS",
                NotBefore = now, NotAfter = now.AddYears(1), Status = CertificateStatus.Intent, CreatedAt = now,
            });
            await db.SaveChangesAsync();
        }

        _pki.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((0, 0, 0)), "an open intent may still carry the key");
        var kept = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == granted.KeyId));
        Assert.That((kept.Status, kept.Ciphertext.Length > 0), Is.EqualTo((ArchivedKeyStatus.Reserved, true)));

        _pki.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.That(await _pki.Ca.StaleIntents.AbandonAsync(StaleIntents.DefaultLease, "test"), Is.EqualTo(1));
        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((0, 1, 0)), "the intent is gone: nothing can carry the key any more");
    }

    /// <summary>A key source answering late, as a CA that stalled after the KMC's grant (the clock moves past the grant's use-by).</summary>
    private sealed class AnswersLate(KeyManagementCentre inner, FakeTimeProvider clock) : IEncryptionKeySource
    {
        public async Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default)
        {
            var grants = await inner.ApplyAsync(applications, cancellationToken);
            clock.Advance(IEncryptionKeySource.GrantUseWithin + TimeSpan.FromSeconds(1));
            return grants;
        }

        public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
            inner.ConfirmAsync(confirmations, cancellationToken);

        public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(keyIds, reason, cancellationToken);
    }

    /// <summary>A key source after which the issuance fails with an unknown outcome (here: cancelled, as a lost connection).</summary>
    private sealed class CancelsAfterApply(KeyManagementCentre inner, CancellationTokenSource cancel) : IEncryptionKeySource
    {
        public async Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default)
        {
            var grants = await inner.ApplyAsync(applications, CancellationToken.None);
            await cancel.CancelAsync();
            return grants;
        }

        public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
            inner.ConfirmAsync(confirmations, cancellationToken);

        public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(keyIds, reason, cancellationToken);
    }

    /// <summary>
    /// Only a refusal destroys the reserved key at once: after a failure whose outcome the CA cannot know (the connection
    /// lost, perhaps during COMMIT) the key stays reserved and the sweep decides from the CA's records.
    /// </summary>
    [Test]
    public async Task AnUnknownOutcome_LeavesTheKeyReserved_ForTheSweepToDecide()
    {
        using var cancel = new CancellationTokenSource();
        var signing = TestCsr.Create(KeyAlgorithm.Sm2, "CN=Unknown Outcome,O=HRSS");
        Assert.CatchAsync<OperationCanceledException>(() => _pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(signing.Der, "staff-sm2-dual"), new CancelsAfterApply(_kmc, cancel), "test", "test",
            cancellationToken: cancel.Token));
        var row = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().SingleAsync());
        Assert.That(row.Status, Is.EqualTo(ArchivedKeyStatus.Reserved), "not erased on an unknown outcome");
        _pki.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((0, 1, 0)), "no certificate was stored: the sweep abandons it");
    }

    [Test]
    public async Task ACaPastTheGrantsUseBy_RecordsNothing_AndTheReservationIsAbandoned()
    {
        var error = Assert.ThrowsAsync<PkiException>(() => IssueAsync("CN=Too Late,O=HRSS", new AnswersLate(_kmc, _pki.Clock)));
        Assert.That(error!.Code, Is.EqualTo(CaErrorCodes.KmcReservationExpired));
        Assert.That(error.Message, Does.Contain("nothing was issued"));
        await using var db = _pki.Ca.Database.CreateContext();
        Assert.That(await db.Certificates.CountAsync(c => c.SubjectDn.Contains("Too Late")), Is.EqualTo(0), "not even an intent");
        var row = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().SingleAsync());
        Assert.That((row.Status, row.Ciphertext.Length), Is.EqualTo((ArchivedKeyStatus.Abandoned, 0)));

        var tooShort = new KmcOptions { ReservationTimeoutSeconds = 60, MasterKeyFile = Path.Combine(_pki.Directory, "kmc", "master.key") };
        var refused = Assert.Throws<PkiException>(() => new KeyManagementCentre(_pki.Ca, tooShort).Dispose());
        Assert.That(refused!.Message, Does.Contain("Kmc:ReservationTimeoutSeconds: at least 240"));
    }

    [Test]
    public async Task KeyCompromise_MarksTheArchivedKey_WhichStaysRecoverable()
    {
        var (dual, _) = await IssueAsync();
        await _pki.Ca.Revocations.RevokeAsync(dual.Encryption.Serial, RevocationReason.KeyCompromise, null, "test");
        Assert.That(await _kmc.SweepAsync(), Is.EqualTo((0, 0, 1)));
        var row = await _kmc.Store.ReadAsync(kmc => kmc.Keys.AsNoTracking().SingleAsync(k => k.KeyId == dual.KeyId));
        Assert.That(row.Status, Is.EqualTo(ArchivedKeyStatus.Compromised));
        Assert.That(row.Ciphertext, Is.Not.Empty);

        var officer = await _pki.AccountAsync("staff:kr1", "CN=Recovery One,O=HRSS", RaRole.KeyRecoveryOfficer);
        var requester = await _pki.AccountAsync("staff:judge", "CN=Court Clerk,O=HRSS");
        var id = await _kmc.RequestRecoveryAsync(_pki.Ca.Options.IssuingAuthority, dual.Encryption.Serial, RecoveryKind.Judicial,
            (await _pki.IssueAsync("staff-signing", "CN=Court Clerk,O=HRSS", key: KeyAlgorithm.Sm2, account: new AccountBinding("staff:judge") { Renewal = true })).Der, officer.Credential, "court order 2026-17");
        Assert.That(id, Is.GreaterThan(0));
    }

    [Test]
    public async Task ABatchWithOneBadRequest_IsRefusedWithItsReason_AndNoKeyIsSpent()
    {
        var good = TestCsr.Create(KeyAlgorithm.Sm2, "CN=Good One,O=HRSS");
        var noCn = TestCsr.Create(KeyAlgorithm.Sm2, "O=HRSS");
        var refused = Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueDualBatchAsync(
            [new IssuanceRequest(good.Der, "staff-sm2-dual"), new IssuanceRequest(noCn.Der, "staff-sm2-dual")], _kmc, "test", "test"));
        Assert.That(refused!.Message, Does.Contain("CN"));
        var ecdsa = TestCsr.Create(KeyAlgorithm.EcP256, "CN=Wrong Key,O=HRSS");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => _pki.Ca.Issuer.IssueDualAsync(new IssuanceRequest(ecdsa.Der, "staff-sm2-dual"), _kmc, "test", "test"))!.Code,
            Is.Not.Empty);
        Assert.That(await _kmc.Store.ReadAsync(kmc => kmc.Keys.CountAsync()), Is.EqualTo(0), "checked before the KMC spends a key");
        await using var db = _pki.Ca.Database.CreateContext();
        Assert.That(await db.Certificates.CountAsync(c => c.SubjectDn.Contains("Good One")), Is.EqualTo(0), "all or none");
    }

    /// <summary>
    /// The CA worker issues approved dual applications together (one KMC application, one CA batch), each request with
    /// its own serials, envelope and audit events; a second application of the same account in the same claim is done
    /// on its own afterwards and gets its own refusal (it did not come with the account's certificate).
    /// </summary>
    [Test]
    public async Task Worker_IssuesApprovedDualApplicationsTogether_ASecondForTheSameAccountIsRefusedOnItsOwn()
    {
        _kmc.Pool.Fill();
        var ids = new List<long>();
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            var rows = new[] { ("staff:D1001", "Wang Wu"), ("staff:D1002", "Zhao Liu"), ("staff:D1003", "Sun Qi"), ("staff:D1001", "Wang Wu") }.Select((a, i) => new RaRequestEntity
            {
                Kind = RaRequestKind.Issue, Status = RaRequestStatus.Approved, Profile = "staff-sm2-dual",
                CsrDer = TestCsr.Create(KeyAlgorithm.Sm2, $"CN={a.Item2} {i},O=HRSS").Der, SubjectDn = $"CN={a.Item2} {i},O=HRSS",
                ApplicantName = a.Item2, ApplicantStaffId = a.Item1["staff:".Length..], Organization = "HRSS", Unit = "IT", SubmittedBy = "anonymous",
                Account = a.Item1, RequiredApprovals = 2, TrackingCode = Guid.NewGuid().ToString("N"), SubmittedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow,
            }).ToList();
            db.RaRequests.AddRange(rows);
            await db.SaveChangesAsync();
            ids.AddRange(rows.Select(r => r.Id));
        }

        var worker = new IssuanceWorker(_pki.Ca, TimeProvider.System) { EncryptionKeys = _kmc };
        Assert.That(await worker.ProcessAsync(), Is.EqualTo(4));

        await using var check = _pki.Ca.Database.CreateContext();
        var done = await check.RaRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).OrderBy(r => r.Id).ToListAsync();
        Assert.That(done.Take(3).Select(r => r.Status), Is.All.EqualTo(RaRequestStatus.Done), string.Join("; ", done.Select(r => r.Outcome)));
        Assert.That(done.Take(3).Select(r => (r.Serial is not null, r.EncryptionSerial is not null, r.Envelope is { Length: > 0 })), Is.All.EqualTo((true, true, true)));
        Assert.That(done[3].Status, Is.EqualTo(RaRequestStatus.Failed));
        Assert.That(done[3].Outcome, Does.Contain("already exists"));
        foreach (var request in done.Take(3))
        {
            var issuedFor = await check.AuditEvents.AsNoTracking().Where(e => e.Actor == $"ra:request/{request.Id}" && e.Action == AuditActions.CertificateIssued).Select(e => e.Target).ToListAsync();
            Assert.That(issuedFor, Is.EquivalentTo(new[] { $"{_pki.Ca.Options.IssuingAuthority}/{request.Serial}", $"{_pki.Ca.Options.IssuingAuthority}/{request.EncryptionSerial}" }));
        }

        var active = await check.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM kmc_keys WHERE \"Status\" = 1").SingleAsync();
        Assert.That(active, Is.EqualTo(3), "one archived key per issued encryption certificate, none for the refused application");
    }

    /// <summary>
    /// Attack on the worker's lanes (and on two worker processes): two dual applications for one account issued at the
    /// same moment. The subject and account checks read before either transaction writes; the unique indexes decide, and
    /// the loser gets a refusal that says what happened (no raw database error), its reserved KMC key abandoned.
    /// </summary>
    [Test]
    public async Task ConcurrentDualIssuances_ForOneAccount_OneIsIssued_TheOtherIsAClearRefusal()
    {
        _kmc.Pool.Fill();
        const int rounds = 4;
        for (var round = 0; round < rounds; round++)
        {
            var identity = $"staff:C30{round}";
            // Odd rounds: an account an RA admin registered before its first certificate (no unique index decides there: the
            // issuance locks the account row and the later one sees the earlier one's certificates).
            var preRegistered = round % 2 == 1;
            if (preRegistered)
            {
                await _pki.Ca.Accounts.RegisterAsync(identity, $"Concurrent {round}", "test", new Org.BouncyCastle.Asn1.X509.X509Name($"CN=Concurrent {round},O=HRSS"));
            }

            var requests = Enumerable.Range(0, 2).Select(i => new IssuanceRequest(
                TestCsr.Create(KeyAlgorithm.Sm2, preRegistered ? $"CN=Concurrent {round},O=HRSS" : $"CN=Concurrent {round} {i},O=HRSS").Der, "staff-sm2-dual",
                Account: new AccountBinding(identity, $"Concurrent {round}"))).ToList();
            using var start = new Barrier(2);
            var outcomes = await Task.WhenAll(requests.Select(request => Task.Run(async () =>
            {
                start.SignalAndWait();
                try
                {
                    await _pki.Ca.Issuer.IssueDualAsync(request, _kmc, "test", "test");
                    return "issued";
                }
                catch (PkiException ex)
                {
                    return $"{ex.Code}: {ex.Message}";
                }
            })));
            Assert.That(outcomes.Count(o => o == "issued"), Is.EqualTo(1), string.Join(" | ", outcomes));
            Assert.That(outcomes.Single(o => o != "issued"), Does.StartWith(CaErrorCodes.AccountExists).And.Contains(identity));
        }

        await using var db = _pki.Ca.Database.CreateContext();
        var bound = await db.AccountCertificates.AsNoTracking().Join(db.RaAccounts, b => b.AccountId, a => a.Id, (b, a) => a.Identity).Where(i => i.StartsWith("staff:C30")).CountAsync();
        Assert.That(bound, Is.EqualTo(2 * rounds), "one dual pair per account");
        var active = await db.Database.SqlQueryRaw<int>("SELECT count(*) AS \"Value\" FROM kmc_keys WHERE \"Status\" = 1").SingleAsync();
        Assert.That(active, Is.EqualTo(rounds), "the losers' reserved keys are not activated");
    }

    /// <summary>A KMC whose confirmation is refused after the CA committed the certificates (e.g. the sweep abandoned the reservation).</summary>
    private sealed class RefusesConfirm(KeyManagementCentre inner) : IEncryptionKeySource
    {
        public Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default) =>
            inner.ApplyAsync(applications, cancellationToken);

        public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
            throw new PkiException(KmcErrorCodes.KeyState, "the reservation was abandoned");

        public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) => inner.AbandonAsync(keyIds, reason, cancellationToken);
    }

    /// <summary>
    /// Attack on the worker's fallback: a batch refused after its certificates were committed must not be issued again one
    /// at a time (a renewal would get a second pair under one approval); the requests stay claimed and are completed from
    /// their audit events after the lease.
    /// </summary>
    [Test]
    public async Task Worker_BatchRefusedAfterCommit_IsNotIssuedAgain_ButCompletedFromTheAuditTrail()
    {
        _kmc.Pool.Fill();
        var ids = new List<long>();
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            var rows = new[] { "staff:R2001", "staff:R2002" }.Select((identity, i) => new RaRequestEntity
            {
                Kind = RaRequestKind.Issue, Status = RaRequestStatus.Approved, Profile = "staff-sm2-dual",
                CsrDer = TestCsr.Create(KeyAlgorithm.Sm2, $"CN=Renewing {i},O=HRSS").Der, SubjectDn = $"CN=Renewing {i},O=HRSS", ApplicantName = $"Renewing {i}",
                ApplicantStaffId = identity["staff:".Length..], Organization = "HRSS", Unit = "IT", SubmittedBy = identity, Account = identity,
                RequiredApprovals = 2, TrackingCode = Guid.NewGuid().ToString("N"), SubmittedAt = DateTime.UtcNow, DecidedAt = DateTime.UtcNow,
            }).ToList();
            db.RaRequests.AddRange(rows);
            await db.SaveChangesAsync();
            ids.AddRange(rows.Select(r => r.Id));
        }

        await new IssuanceWorker(_pki.Ca, TimeProvider.System) { EncryptionKeys = new RefusesConfirm(_kmc) }.ProcessAsync();

        await using var check = _pki.Ca.Database.CreateContext();
        Assert.That(await check.Certificates.CountAsync(c => c.Profile == "staff-sm2-dual" && c.Status != CertificateStatus.Intent), Is.EqualTo(2), "one signing certificate per approved request, not two");
        Assert.That(await check.RaRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => r.Status).ToListAsync(), Is.All.EqualTo(RaRequestStatus.Processing));

        // After the lease, recovery completes them from their certificate.issued events; nothing more is issued.
        await new IssuanceWorker(_pki.Ca, TimeProvider.System) { EncryptionKeys = _kmc, Lease = TimeSpan.Zero }.RecoverAsync();
        var recovered = await check.RaRequests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToListAsync();
        Assert.That(recovered.Select(r => r.Status), Is.All.EqualTo(RaRequestStatus.Done), string.Join("; ", recovered.Select(r => r.Outcome)));
        Assert.That(recovered.Select(r => r.Outcome), Is.All.Contains("completed from the audit trail"));
        Assert.That(await check.Certificates.CountAsync(c => c.Profile == "staff-sm2-dual" && c.Status != CertificateStatus.Intent), Is.EqualTo(2));
    }

    [Test]
    public void TheMasterKeyFile_IsOnlyCiphertext_AndAWrongFileIsAnError()
    {
        var file = Path.Combine(_pki.Directory, "kmc", "master.key");
        Assert.That(new FileInfo(file).Length, Is.EqualTo(384), "RSA-3072 OAEP ciphertext");
        File.WriteAllBytes(file, RandomNumberGenerator.GetBytes(384));
        var refused = Assert.Throws<PkiException>(() => new KeyManagementCentre(_pki.Ca, new KmcOptions { PoolSizes = [], MasterKeyFile = file }));
        Assert.That(refused!.Message, Does.Contain("does not unwrap"));
    }
}
