using System.Net.Http.Json;
using System.Text.Json;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// Issue 9 item 5: which embedded timestamps may move the validation time back (an allow-list of TSA certificates;
/// the TSA certificate's own status, RFC 3161 §4), signing-time against genTime, and who is a document signer.
/// The signer is revoked for keyCompromise after the token's time: a trusted token keeps the signature valid, any
/// other token must not. "Later" is real time (a second or so, then the PKI's fake clock catches up): the host's TLS
/// and its verifier use the real clock, so the fake one must never run ahead of it.
/// </summary>
[NonParallelizable]
public sealed class TimestampPolicyTests
{
    private static readonly byte[] Document = "待遇核定通知书 No. 2026-0042"u8.ToArray();

    private CmsTestPlatform _platform = null!;
    private TestLeaf _client = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _platform = await CmsTestPlatform.StartAsync();
        _client = await _platform.Pki.IssueAsync("business-system", CmsTestPlatform.OwnerSubject, account: new CaCore.Issuance.AccountBinding(CmsTestPlatform.Owner));
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    /// <summary>The PKI's time in whole seconds, as certificates and tokens carry it.</summary>
    private DateTime Now
    {
        get
        {
            var now = _platform.Pki.Clock.GetUtcNow().UtcDateTime;
            return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>Lets a little over a second of real time pass, and brings the PKI's clock up to it.</summary>
    private async Task LaterAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        var real = DateTimeOffset.UtcNow;
        if (real > _platform.Pki.Clock.GetUtcNow())
        {
            _platform.Pki.Clock.SetUtcNow(real);
        }
    }

    private Task<TestLeaf> SignerAsync(string name) =>
        _platform.Pki.IssueAsync("staff-signing", $"CN={name},O=HRSS", [$"email:{name.Replace(' ', '.').ToLowerInvariant()}@hrss.example"]);

    /// <summary>A TSA certificate under the platform's own root, with the timeStamping EKU: valid as a TSA, but not the platform's.</summary>
    private Task<TestLeaf> OtherTsaAsync(string name) => _platform.Pki.IssueAsync("tsa", $"CN={name},O=HRSS");

    private SignatureVerifier Trusting(params TestLeaf[] tsas) =>
        _platform.NewVerifier([_platform.Root], signers: SignerPolicy.Default.TrustingTsa(tsas.Select(TestSignedData.Certificate)));

    /// <summary>A signer who signed, with a token of <paramref name="tsa"/>, and was revoked for keyCompromise a moment later.</summary>
    private async Task<(byte[] Signed, DateTime GenTime)> CompromisedAfterSigningAsync(TestLeaf tsa)
    {
        var signer = await SignerAsync($"Signer {Guid.NewGuid():N}"[..20]);
        var signedAt = Now;
        var signed = TestSignedData.WithTimestamp(TestSignedData.Sign(Document, signer, signedAt), tsa, signedAt);
        await LaterAsync();
        await _platform.Pki.Ca.Revocations.RevokeAsync(signer.Serial, RevocationReason.KeyCompromise, null, "test");
        return (signed, signedAt);
    }

    private static string Reasons(VerificationReport report) => string.Join("; ", report.Signers.SelectMany(s => s.Reasons));

    [Test]
    public async Task VerifyAsync_TokenOfTrustedTsaBeforeSignerRevocation_SignatureStands()
    {
        var tsa = await OtherTsaAsync("Allowed Test TSA");
        var (signed, genTime) = await CompromisedAfterSigningAsync(tsa);

        var report = await Trusting(tsa).VerifyAsync(signed);

        Assert.That(report.Valid, Is.True, Reasons(report));
        Assert.That((report.Signers[0].Timestamp!.Valid, report.Signers[0].Timestamp!.Time), Is.EqualTo((true, genTime)));
        Assert.That(report.Signers[0].Timestamp!.Authority, Does.Contain("CN=Allowed Test TSA"));
        Assert.That(report.Signers[0].Reasons, Has.Some.Contains("after the time-stamped signing time"));
    }

    [Test]
    public async Task VerifyAsync_TokenOfTsaNotOnAllowList_IgnoredAndSignerJudgedNow()
    {
        // The attack: a TSA certificate under a trusted root, with timeStamping, back-dates a token before the signer's revocation.
        var rogue = await OtherTsaAsync("Rogue Test TSA");
        var (signed, _) = await CompromisedAfterSigningAsync(rogue);

        var report = await _platform.Verifier.VerifyAsync(signed);

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers[0].Timestamp!.Valid, Is.False);
        Assert.That(report.Signers[0].Reasons[0], Does.StartWith("signer certificate revoked on").And.Contain("keyCompromise"));
        Assert.That(report.Signers[0].Reasons[^1], Does.StartWith("embedded timestamp ignored: its TSA certificate '").And.Contain("CN=Rogue Test TSA")
            .And.Contain("is not one of the configured trusted TSA certificates"));
    }

    [Test]
    public async Task Verify_OverHttps_TokenOfRogueTsa_IgnoredByTheHost()
    {
        var rogue = await OtherTsaAsync("Rogue Https TSA");
        var (signed, _) = await CompromisedAfterSigningAsync(rogue);
        using var http = _platform.ApiClient(_client);

        using var response = await http.PostAsJsonAsync("/api/v1/token/verify", new { signedData = Convert.ToBase64String(signed) });
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.That((int)response.StatusCode, Is.EqualTo(200), report.ToString());
        Assert.That(report.GetProperty("valid").GetBoolean(), Is.False);
        var signer = report.GetProperty("signers")[0];
        Assert.That(signer.GetProperty("timestamp").GetProperty("valid").GetBoolean(), Is.False);
        Assert.That(signer.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()), Has.Some.Contains("not one of the configured trusted TSA certificates"));
    }

    [Test]
    public async Task SignThenVerify_PlatformTsa_TrustedByDefault()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);
        var signed = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: true);

        var report = await _platform.Verifier.VerifyAsync(signed);

        Assert.That(report.Valid, Is.True, Reasons(report));
        Assert.That(report.Signers[0].Timestamp!.Valid, Is.True, report.Signers[0].Timestamp!.Reason);
    }

    [TestCase(RevocationReason.Superseded)]
    [TestCase(RevocationReason.CessationOfOperation)]
    public async Task VerifyAsync_TsaRevokedWithoutCompromise_TokensBeforeCountTokensAfterDoNot(RevocationReason reason)
    {
        var tsa = await OtherTsaAsync($"Retired TSA {reason}");
        var signer = await SignerAsync($"Signer {reason}");
        var before = Now;
        var early = TestSignedData.WithTimestamp(TestSignedData.Sign(Document, signer, before), tsa, before);
        await LaterAsync();
        await _platform.Pki.Ca.Revocations.RevokeAsync(tsa.Serial, reason, null, "test");
        await LaterAsync();
        var late = TestSignedData.WithTimestamp(TestSignedData.Sign(Document, signer, Now), tsa, Now);

        var earlyReport = await Trusting(tsa).VerifyAsync(early);
        var lateReport = await Trusting(tsa).VerifyAsync(late);

        Assert.That(earlyReport.Signers[0].Timestamp!.Valid, Is.True, earlyReport.Signers[0].Timestamp!.Reason);
        Assert.That(lateReport.Signers[0].Timestamp!.Valid, Is.False);
        Assert.That(lateReport.Signers[0].Timestamp!.Reason, Does.Contain("the TSA certificate was revoked on").And.Contain("after that (RFC 3161 §4)"));
        Assert.That(lateReport.Signers[0].Reasons[^1], Does.StartWith("embedded timestamp ignored"));
    }

    [Test]
    public async Task VerifyAsync_TsaRevokedForKeyCompromise_EvenAnEarlierTokenIsIgnored()
    {
        var tsa = await OtherTsaAsync("Compromised TSA");
        var (signed, _) = await CompromisedAfterSigningAsync(tsa);
        await LaterAsync();
        await _platform.Pki.Ca.Revocations.RevokeAsync(tsa.Serial, RevocationReason.KeyCompromise, null, "test");

        var report = await Trusting(tsa).VerifyAsync(signed);

        Assert.That(report.Valid, Is.False, "without the token the signer's revocation counts");
        Assert.That(report.Signers[0].Timestamp!.Reason, Does.Contain("reason keyCompromise").And.Contain("no token signed with that key can be trusted"));
        Assert.That(report.Signers[0].Reasons[0], Does.StartWith("signer certificate revoked on"));
    }

    [TestCase(10, false)]
    [TestCase(4, true)]
    [TestCase(-60, true)]
    public async Task VerifyAsync_SigningTimeAgainstGenTime_RefusedBeyondTolerance(int minutesAfterToken, bool valid)
    {
        var tsa = await OtherTsaAsync($"Clock TSA {minutesAfterToken}");
        var signer = await SignerAsync($"Clock Signer {minutesAfterToken + 100}");
        var genTime = Now;
        var signed = TestSignedData.WithTimestamp(TestSignedData.Sign(Document, signer, genTime.AddMinutes(minutesAfterToken)), tsa, genTime);

        var report = await Trusting(tsa).VerifyAsync(signed);

        Assert.That(report.Valid, Is.EqualTo(valid), Reasons(report));
        if (!valid)
        {
            Assert.That(report.Signers[0].Reasons[0], Does.StartWith("the signing-time attribute").And.Contain("is later than the timestamp's time")
                .And.Contain("5-minute tolerance"));
        }
    }

    [Test]
    public async Task VerifyAsync_SigningTimeToleranceConfigured_Honoured()
    {
        var tsa = await OtherTsaAsync("Tolerance TSA");
        var signer = await SignerAsync("Tolerance Signer");
        var genTime = Now;
        var signed = TestSignedData.WithTimestamp(TestSignedData.Sign(Document, signer, genTime.AddMinutes(4)), tsa, genTime);
        var strict = _platform.NewVerifier([_platform.Root], signers: SignerPolicy.Default.TrustingTsa([TestSignedData.Certificate(tsa)]) with
        {
            SigningTimeTolerance = TimeSpan.FromMinutes(1),
        });

        var report = await strict.VerifyAsync(signed);

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers[0].Reasons[0], Does.Contain("1-minute tolerance"));
    }

    [TestCase("staff-auth", "clientAuth")]
    [TestCase("business-system", "clientAuth, serverAuth")]
    [TestCase("server-tls", "serverAuth")]
    public async Task VerifyAsync_TlsOnlySigner_InvalidWithReason(string profile, string ekus)
    {
        var tls = await _platform.Pki.IssueAsync(profile, $"CN=tls-{profile}.hrss.example,O=HRSS", profile == "server-tls" ? [$"dns:tls-{profile}.hrss.example"] : null);
        var signed = TestSignedData.Sign(Document, tls, Now).GetEncoded();

        var report = await _platform.Verifier.VerifyAsync(signed);

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers[0].Reasons[0], Does.Contain($"extended key usage ({ekus}) does not allow document signing")
            .And.Contain("accepted: emailProtection"));
    }

    [Test]
    public async Task VerifyAsync_DocumentSigningCertificate_Valid()
    {
        var signer = await SignerAsync("Proper Signer");

        var report = await _platform.Verifier.VerifyAsync(TestSignedData.Sign(Document, signer, Now).GetEncoded());

        Assert.That(report.Valid, Is.True, Reasons(report));
    }

    [Test]
    public async Task VerifyAsync_TlsSignerWithClientAuthConfigured_Valid()
    {
        var tls = await _platform.Pki.IssueAsync("staff-auth", "CN=Configured Client,O=HRSS");
        var verifier = _platform.NewVerifier([_platform.Root], signers: SignerPolicy.Default with
        {
            DocumentSigningExtendedKeyUsages = new HashSet<string> { "1.3.6.1.5.5.7.3.2" },
        });

        var report = await verifier.VerifyAsync(TestSignedData.Sign(Document, tls, Now).GetEncoded());

        Assert.That(report.Valid, Is.True, Reasons(report));
    }
}
