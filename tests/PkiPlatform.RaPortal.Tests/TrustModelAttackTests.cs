using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>
/// The trust-model review's attacks (issue 9, items 1-4, 11), performed against a running RA host over HTTPS with
/// one officer's or one system's credential. Each must be refused with a clear problem and leave nothing behind.
/// </summary>
public sealed class TrustModelAttackTests
{
    private static int _applicants;
    private TestPki _pki = null!;
    private RaHost _host = null!;
    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, TestAccount> _accounts = [];

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync();
        _host = await RaHost.StartAsync(_pki);
        foreach (var (name, account, role) in new[] { ("alice", "staff:A1", (RaRole?)RaRole.Officer), ("bob", "staff:B2", RaRole.Officer),
                     ("admin", "staff:D4", RaRole.RaAdmin), ("payroll", "system:payroll", null) })
        {
            var created = await _pki.AccountAsync(account, $"CN={char.ToUpperInvariant(name[0])}{name[1..]} Account,O=HRSS", role);
            _accounts[name] = created;
            _clients[name] = _host.Client(RaHost.Load(created.Leaf));
        }
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await _host.DisposeAsync();
        await _pki.DisposeAsync();
    }

    private RegistrationAuthority Ra => _host.Services.GetRequiredService<RegistrationAuthority>();

    private static string Csr(string subject, params string[] sans) =>
        new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, subject, sans).Der));

    private static object Body(string profile, string csr, string? staffId = null, string? account = null) => new
    {
        profile, csr, applicantName = "Mallory", staffId = staffId ?? $"M{Interlocked.Increment(ref _applicants)}", organization = "HRSS", account,
    };

    private async Task<int> RequestCountAsync()
    {
        await using var db = _pki.Ca.Database.CreateContext();
        return await db.RaRequests.CountAsync();
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), Does.Contain(detail), text);
    }

    /// <summary>Item 1: an application made anonymously in the officer's name is recorded as anonymous and the officer cannot approve it.</summary>
    [Test]
    public async Task OfficerAppliesAnonymouslyWithOwnStaffId_CannotApproveAlone()
    {
        var application = new RaApplication("staff-auth", TestCsr.Create(KeyAlgorithm.EcP256, "CN=Alice Second Key,O=HRSS", []).Der, "Alice", "A9", "HRSS", "", "");
        // The staff ID of an existing account cannot be applied for anonymously at all ...
        var own = Assert.ThrowsAsync<PkiException>(() => Ra.SubmitAsync(application with { ApplicantStaffId = "A1" }, null))!;
        Assert.That(own.Message, Does.Contain("already has an account"));

        // ... and a fresh application naming the officer's staff ID in any case spelling is hers to recuse from.
        var request = await Ra.SubmitAsync(application, null);
        Assert.That(request.SubmittedBy, Is.EqualTo("anonymous"), "the submitter is never a typed value");
        await using (var db = _pki.Ca.Database.CreateContext())
        {
            await db.RaRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.ApplicantStaffId, "a1"));
        }

        using var approve = await _clients["alice"].PostAsJsonAsync($"/api/v1/requests/{request.Id}/approve", new { reason = "me" });
        await AssertProblemAsync(approve, HttpStatusCode.Conflict, "names your staff ID");
    }

    /// <summary>Item 1: an officer's own submission, and a second certificate of the same person, never count as another officer.</summary>
    [Test]
    public async Task OfficerSubmitsThenApproves_AndSecondCertificateOfSamePerson_Refused()
    {
        using var submit = await _clients["alice"].PostAsJsonAsync("/api/v1/requests", Body("staff-auth", Csr("CN=Friend Of Alice,O=HRSS")));
        Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submit.Content.ReadAsStringAsync());
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        await AssertProblemAsync(await _clients["alice"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "" }), HttpStatusCode.Conflict, "submitted by you");

        // Bob approves once; a second certificate bound to Bob's account is still Bob.
        var second = await _pki.IssueAsync("staff-auth", "CN=B Account,O=HRSS", account: new AccountBinding("staff:B2") { Renewal = true });
        using var bobAgain = _host.Client(RaHost.Load(second));
        (await _clients["bob"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "" })).Dispose();
        await AssertProblemAsync(await bobAgain.PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "" }), HttpStatusCode.Conflict, "already decided");
        Assert.That((await Ra.GetAsync(id)).Status, Is.EqualTo(RaRequestStatus.Pending), "two approvals from one person are one");
    }

    /// <summary>Item 2: subjects equal or equivalent to an account's (or a platform identity) are refused in every spelling; nothing stored.</summary>
    [TestCase("CN=Admin Account,O=HRSS")]
    [TestCase("CN=admin  account,O=hrss")]
    [TestCase("O=HRSS,CN=Admin Account")]
    [TestCase("CN=ＡＤＭＩＮ Account,O=HRSS")]
    [TestCase("CN=RA Administrator,O=HRSS PKI")]
    [TestCase("CN=ra  officer,O=Elsewhere")]
    [TestCase("CN=HRSS Issuing CA OCSP Responder,O=HRSS")]
    [TestCase("CN=Evil Time-Stamping Authority,O=HRSS")]
    public async Task LookAlikeSubject_RefusedAtTheRaAndAtTheCa(string subject)
    {
        var before = await RequestCountAsync();
        using var response = await _clients["payroll"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr(subject)));
        await AssertProblemAsync(response, HttpStatusCode.Conflict, "subject");
        Assert.That(await RequestCountAsync(), Is.EqualTo(before));
        // The CA itself refuses too, for operators and any path that skips the RA.
        var error = Assert.ThrowsAsync<PkiException>(() => _pki.IssueAsync("staff-auth", subject))!;
        Assert.That(error.Code, Is.EqualTo(PkiPlatform.CaCore.CaErrorCodes.SubjectReserved));
    }

    /// <summary>Item 11: control and invisible characters make names look equal; they are refused, including a trailing newline.</summary>
    [TestCase("CN=Admin Account\nX,O=HRSS")]
    [TestCase("CN=Admin\u200BAccount,O=HRSS")]
    [TestCase("CN=Admin Account\u202E,O=HRSS")]
    public async Task ControlCharacterInSubject_Refused(string subject)
    {
        using var response = await _clients["payroll"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr(subject)));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "control or invisible character");
    }

    /// <summary>Item 4: platform profiles are never issued through the RA, whoever asks.</summary>
    [TestCase("ocsp-signing", "CN=Rogue Responder")]
    [TestCase("tsa", "CN=Rogue Clock,O=HRSS")]
    [TestCase("platform-tls", "CN=rogue.hrss.example")]
    [TestCase("system-signing", "CN=Rogue Signer,O=HRSS")]
    [TestCase("system-encryption", "CN=Rogue Decrypter,O=HRSS")]
    public async Task PlatformProfile_ThroughTheRa_Refused(string profile, string subject)
    {
        var before = await RequestCountAsync();
        foreach (var who in new[] { "payroll", "admin", "alice" })
        {
            using var response = await _clients[who].PostAsJsonAsync("/api/v1/requests", Body(profile, Csr(subject, profile == "platform-tls" ? ["dns:rogue.hrss.example"] : []), account: "system:payroll"));
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "cannot be requested through the RA");
        }

        Assert.That(await RequestCountAsync(), Is.EqualTo(before));
    }

    /// <summary>Item 4: names outside the configured domains and ranges, and wildcards where the profile allows none.</summary>
    [TestCase("server-tls", "CN=gov", "dns:*.gov.cn", "outside the names")]
    [TestCase("server-tls", "CN=gov", "dns:gov.cn", "outside the names")]
    [TestCase("server-tls", "CN=dns", "ip:8.8.8.8", "outside the names")]
    [TestCase("server-tls", "CN=x", "dns:hrss.example.evil.cn", "outside the names")]
    [TestCase("server-tls", "CN=*.gov.cn", "dns:portal.hrss.example", "outside the names")]
    [TestCase("business-system", "CN=Wild,O=HRSS", "dns:*.hrss.example", "does not allow wildcards")]
    [TestCase("business-system", "CN=Uri,O=HRSS", "uri:https://8.8.8.8/x", "outside the names")]
    public async Task NameOutsideTheScope_Refused(string profile, string subject, string san, string detail)
    {
        var before = await RequestCountAsync();
        using var response = await _clients["payroll"].PostAsJsonAsync("/api/v1/requests", Body(profile, Csr(subject, san)));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
        Assert.That(await RequestCountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task WildcardInsideTheScope_ServerTls_Accepted()
    {
        using var response = await _clients["payroll"].PostAsJsonAsync("/api/v1/requests", Body("server-tls", Csr("CN=*.hrss.example", "dns:*.hrss.example")));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    /// <summary>Item 4: system profiles go only to registered systems, asked for by the system itself or an RA admin.</summary>
    [Test]
    public async Task SystemProfile_ForAnotherSystemOrUnregistered_Refused()
    {
        await _pki.Ca.Accounts.RegisterAsync("system:pension", "Pension", "test");
        await AssertProblemAsync(await _clients["payroll"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr("CN=Pension Two,O=HRSS"), account: "system:pension")),
            HttpStatusCode.Forbidden, "only system:pension itself");
        await AssertProblemAsync(await _clients["alice"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr("CN=Pension Three,O=HRSS"), account: "system:pension")),
            HttpStatusCode.Forbidden, "only system:pension itself");
        await AssertProblemAsync(await _clients["admin"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr("CN=Ghost,O=HRSS"), account: "system:ghost")),
            HttpStatusCode.NotFound, "not a registered business system");
        using var enrol = await _clients["admin"].PostAsJsonAsync("/api/v1/requests", Body("business-system", Csr("CN=Pension Four,O=HRSS"), account: "system:pension"));
        Assert.That(enrol.StatusCode, Is.EqualTo(HttpStatusCode.Created), "an RA admin enrols a registered system");
        Assert.That(Assert.ThrowsAsync<PkiException>(() => Ra.SubmitAsync(new RaApplication("business-system", TestCsr.Create(KeyAlgorithm.EcP256, "CN=Anon,O=HRSS", []).Der,
            "x", "x", "x", "", ""), null))!.Message, Does.Contain("registered business systems"));
    }

    /// <summary>Item 2: a role follows the account binding; a valid platform certificate bound to no account holds none.</summary>
    [Test]
    public async Task UnboundCertificate_HoldsNoRole()
    {
        var unbound = await _pki.IssueAsync("staff-auth", "CN=Nobody In Particular,O=HRSS");
        using var client = _host.Client(RaHost.Load(unbound));
        using var queue = await client.GetAsync("/api/v1/queue");
        Assert.That(queue.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var accounts = await _clients["alice"].PutAsJsonAsync("/api/v1/accounts", new { identity = "staff:A1", role = "RaAdmin", active = true });
        Assert.That(accounts.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    /// <summary>Item 12: HSTS, a Secure antiforgery cookie, and TLS 1.2+ with AEAD suites only, as openssl sees it.</summary>
    [Test]
    public async Task Tls_HstsSecureCookiesAndAeadOnly()
    {
        using var anonymous = _host.Client(null);
        using var apply = await anonymous.GetAsync("/Apply");
        Assert.That(apply.Headers.GetValues("Strict-Transport-Security").Single(), Does.StartWith("max-age="));
        Assert.That(apply.Headers.GetValues("Set-Cookie").Where(c => c.Contains("Antiforgery", StringComparison.Ordinal)), Has.All.Contain("secure"));

        var hostPort = new Uri(_host.Url).Authority;
        foreach (var (options, accepted) in new[]
                 {
                     (new[] { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256" }, true),
                     (new[] { "-tls1_3" }, true),
                     (new[] { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA" }, false),
                     (new[] { "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384" }, false),
                     (new[] { "-tls1_1", "-cipher", "ALL:@SECLEVEL=0" }, false),
                 })
        {
            var run = ExternalTool.Run("openssl", ["s_client", "-connect", hostPort, "-CAfile", _pki.RootPemPath, .. options], stdin: []);
            var handshake = run.StdOut.Contains("Verify return code: 0 (ok)", StringComparison.Ordinal) && !run.StdOut.Contains("Cipher is (NONE)", StringComparison.Ordinal);
            Assert.That(handshake, Is.EqualTo(accepted), $"{string.Join(' ', options)}:\n{run}");
        }
    }
}
