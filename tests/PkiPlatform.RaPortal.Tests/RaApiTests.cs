using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>
/// The REST API over mutual TLS: a business system applies, two officers approve, the CA worker
/// issues, the certificate downloads and verifies with OpenSSL; every role tries what it must not do;
/// refused certificates get a clear problem.
/// </summary>
[NonParallelizable]
public sealed class RaApiTests
{
    private TestPki _pki = null!;
    private RaHost _host = null!;
    private readonly Dictionary<string, HttpClient> _clients = [];
    private readonly Dictionary<string, TestLeaf> _leaves = [];
    private static int _applicants;
    private string _system = "";

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync();
        _host = await RaHost.StartAsync(_pki);
        foreach (var (name, account, role) in new[] { ("Alice Officer", "staff:A1", (RaRole?)RaRole.Officer), ("Bob Officer", "staff:B2", RaRole.Officer),
                     ("Carol Auditor", "staff:C3", RaRole.Auditor), ("Dave Admin", "staff:D4", RaRole.RaAdmin), ("Payroll System", "system:payroll", null) })
        {
            // Roles follow the account the certificate is explicitly bound to, never its subject name.
            var created = await _pki.AccountAsync(account, $"CN={name},O=HRSS", role);
            _leaves[name] = created.Leaf;
            _clients[name] = _host.Client(RaHost.Load(created.Leaf));
        }

        _system = "Payroll System";
        _clients["nobody"] = _host.Client(null);
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

    private static string CsrPem(KeyAlgorithm key, string subject, params string[] sans) =>
        new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(key, subject, sans).Der));

    private static object Application(string csr, string profile = "server-tls") => new
    {
        profile, csr, applicantName = "Li Si", staffId = $"E{2000 + Interlocked.Increment(ref _applicants)}", organization = "HRSS Bureau", unit = "Payroll", contact = "lisi@hrss.example",
    };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<long> SubmitAsync(string csr, string profile = "server-tls")
    {
        using var response = await _clients[_system].PostAsJsonAsync("/api/v1/requests", Application(csr, profile));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await JsonAsync(response)).GetProperty("id").GetInt64();
    }

    /// <summary>Polls the request as its submitter until the CA worker has issued it (15 s at most).</summary>
    private async Task WaitUntilDoneAsync(long id)
    {
        JsonElement state = default;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        do
        {
            await Task.Delay(200);
            using var get = await _clients[_system].GetAsync($"/api/v1/requests/{id}");
            state = await JsonAsync(get);
        }
        while (state.GetProperty("status").GetString() != "Done" && DateTime.UtcNow < deadline);
        Assert.That(state.GetProperty("status").GetString(), Is.EqualTo("Done"), state.ToString());
    }

    private async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((await JsonAsync(response)).GetProperty("detail").GetString(), Does.Contain(detailContains));
    }

    /// <summary>Trust-model item 14: a CSR on an unknown curve, or mutated in any byte, is a 400 problem or a failed check, never HTTP 500.</summary>
    [Test]
    public async Task Preview_UnknownCurveAndMutatedCsrs_RefusedNever500()
    {
        var valid = TestCsr.Create(KeyAlgorithm.EcP256, "CN=Curve Test,O=HRSS").Der;
        // id-ecPublicKey with namedCurve prime256v1 (1.2.840.10045.3.1.7) rewritten to an arc no one defined (1.2.840.10045.3.1.127).
        var unknownCurve = Replace(valid, [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07], [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x7F]);
        var random = new Random(14);
        var inputs = new List<byte[]> { unknownCurve };
        for (var i = 0; i < 60; i++)
        {
            var mutated = (byte[])valid.Clone();
            mutated[i < 30 ? i : random.Next(mutated.Length)] ^= (byte)(i < 30 ? 0xFF : random.Next(1, 256));
            inputs.Add(mutated);
        }

        foreach (var input in inputs)
        {
            var pem = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", input));
            using var response = await _clients["Alice Officer"].PostAsJsonAsync("/api/v1/requests/preview", new { profile = "staff-auth", csr = pem });
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.LessThan(500), body);
            if (input == unknownCurve)
            {
                Assert.That(body, Does.Contain("1.2.840.10045.3.1.127"));
                Assert.That(body, Does.Contain("\"passed\":false"));
            }
        }
    }

    private static byte[] Replace(byte[] source, byte[] find, byte[] replacement)
    {
        var at = source.AsSpan().IndexOf(find);
        Assert.That(at, Is.GreaterThanOrEqualTo(0));
        var copy = (byte[])source.Clone();
        replacement.CopyTo(copy, at);
        return copy;
    }

    [Test]
    public async Task SystemApplies_TwoOfficersApprove_IssuedAndDownloadable()
    {
        var id = await SubmitAsync(CsrPem(KeyAlgorithm.Rsa2048, "CN=payroll.hrss.example,O=HRSS", "dns:payroll.hrss.example"), "business-system");
        using (var approve = await _clients["Alice Officer"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "owner confirmed" }))
        {
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approve.Content.ReadAsStringAsync());
        }

        await WaitUntilDoneAsync(id);

        var pem = await _clients[_system].GetStringAsync($"/api/v1/requests/{id}/certificate?format=pem");
        var path = _pki.WriteFile($"api-{id}.pem", System.Text.Encoding.ASCII.GetBytes(pem));
        var verify = ExternalTool.Run("openssl", "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, path);
        Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{path}: OK"), verify.ToString());

        var der = await _clients[_system].GetByteArrayAsync($"/api/v1/requests/{id}/certificate?format=der");
        Assert.That(X509CertificateLoader.LoadCertificate(der).Subject, Does.Contain("payroll.hrss.example"));
        var p7b = _pki.WriteFile($"api-{id}.p7b", await _clients[_system].GetByteArrayAsync($"/api/v1/requests/{id}/certificate?format=p7b"));
        var printed = ExternalTool.Run("openssl", "pkcs7", "-inform", "DER", "-in", p7b, "-print_certs", "-noout");
        Assert.That(printed.StdOut.Split("subject=").Length - 1, Is.EqualTo(3), printed.ToString());
    }

    [Test]
    public async Task StaffAuth_NeedsTwoOfficers_SameOfficerTwiceRefused()
    {
        var id = await SubmitAsync(CsrPem(KeyAlgorithm.EcP256, "CN=Wang Wu,O=HRSS"), "staff-auth");
        (await _clients["Alice Officer"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "" })).Dispose();
        using var again = await _clients["Alice Officer"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "" });
        await AssertProblemAsync(again, HttpStatusCode.Conflict, "already decided");
        using var state = await _clients["Bob Officer"].GetAsync($"/api/v1/requests/{id}");
        Assert.That((await JsonAsync(state)).GetProperty("status").GetString(), Is.EqualTo("Pending"));
    }

    [Test]
    public async Task Approvals_ProgressWithWhoAndWhen_DuplicateSubmissionAnsweredWithTheFirst()
    {
        var application = Application(CsrPem(KeyAlgorithm.EcP256, "CN=Progress Person,O=HRSS"), "staff-auth");
        using var first = await _clients[_system].PostAsJsonAsync("/api/v1/requests", application);
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        var id = (await JsonAsync(first)).GetProperty("id").GetInt64();

        // Issue 11: the same CSR, profile and submitter again while pending is recognised, not a second application.
        using var second = await _clients[_system].PostAsJsonAsync("/api/v1/requests", application);
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK), await second.Content.ReadAsStringAsync());
        Assert.That((await JsonAsync(second)).GetProperty("id").GetInt64(), Is.EqualTo(id));
        Assert.That(second.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/requests/{id}"));

        using var approve = await _clients["Alice Officer"].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "identity checked" });
        var view = await JsonAsync(approve);
        Assert.That(view.GetProperty("approvals").GetInt32(), Is.EqualTo(1));
        Assert.That(view.GetProperty("requiredApprovals").GetInt32(), Is.EqualTo(2));
        var decision = view.GetProperty("decisions")[0];
        Assert.That(decision.GetProperty("officer").GetString(), Is.EqualTo("staff:A1"));
        Assert.That(decision.GetProperty("displayName").GetString(), Does.Contain("Alice Officer"));
        Assert.That(decision.GetProperty("approved").GetBoolean(), Is.True);
        Assert.That(decision.GetProperty("reason").GetString(), Is.EqualTo("identity checked"));
        // Times carry their zone.
        Assert.That(decision.GetProperty("at").GetString(), Does.EndWith("+00:00"));
        Assert.That(view.GetProperty("submittedAt").GetString(), Does.EndWith("+00:00"));
    }

    [Test]
    public async Task Revocation_OfThePlatformsOwnCertificate_RefusedToOfficers()
    {
        var tsa = await _pki.IssueAsync("tsa", "CN=Api TSA,O=HRSS");
        using var response = await _clients["Alice Officer"].PostAsJsonAsync("/api/v1/revocations", new { serial = tsa.Serial, reason = "keyCompromise" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), await response.Content.ReadAsStringAsync());
        var problem = await JsonAsync(response);
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("ra.platform_certificate"));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("pki revoke"));
    }

    [Test]
    public async Task AdminEnrolsAnOfficer_PersonApplies_TwoOfficersApprove_NewOfficerApproves()
    {
        // Issue 11: dual control can start through the RA: the admin registers staff:N7 with the role, the person applies
        // with that staff ID, two officers approve, and the new certificate logs in as an officer.
        using (var put = await _clients["Dave Admin"].PutAsJsonAsync("/api/v1/accounts", new { identity = "staff:N7", displayName = "New Officer", role = "Officer", active = true }))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        }

        var key = TestCsr.Create(KeyAlgorithm.EcP256, "CN=New Officer,O=HRSS");
        var pem = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", key.Der));
        using var submit = await _clients[_system].PostAsJsonAsync("/api/v1/requests", new
        {
            profile = "staff-auth", csr = pem, applicantName = "New Officer", staffId = "N7", organization = "HRSS", unit = "RA", contact = "n7@hrss.example",
        });
        Assert.That(submit.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submit.Content.ReadAsStringAsync());
        var id = (await JsonAsync(submit)).GetProperty("id").GetInt64();
        foreach (var officer in new[] { "Alice Officer", "Bob Officer" })
        {
            using var approve = await _clients[officer].PostAsJsonAsync($"/api/v1/requests/{id}/approve", new { reason = "enrolment checked" });
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approve.Content.ReadAsStringAsync());
        }

        await WaitUntilDoneAsync(id);

        var certificate = X509Certificate2.CreateFromPem(await _clients[_system].GetStringAsync($"/api/v1/requests/{id}/certificate?format=pem"), key.PrivateKeyPem);
        using var newOfficer = _host.Client(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null));
        using var queue = await newOfficer.GetAsync("/api/v1/queue");
        Assert.That(queue.StatusCode, Is.EqualTo(HttpStatusCode.OK), await queue.Content.ReadAsStringAsync());

        // A second application for the now enrolled account is a renewal: only with its own certificate.
        using var hijack = await _clients[_system].PostAsJsonAsync("/api/v1/requests", new
        {
            profile = "staff-auth", csr = CsrPem(KeyAlgorithm.EcP256, "CN=New Officer,O=HRSS"), applicantName = "New Officer", staffId = "N7", organization = "HRSS", unit = "RA", contact = "x",
        });
        Assert.That(hijack.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), await hijack.Content.ReadAsStringAsync());
    }

    [TestCase("Carol Auditor", "POST", "/api/v1/requests/1/approve", HttpStatusCode.Forbidden)]
    [TestCase("Dave Admin", "POST", "/api/v1/requests/1/approve", HttpStatusCode.Forbidden)]
    [TestCase("Payroll System", "POST", "/api/v1/requests/1/reject", HttpStatusCode.Forbidden)]
    [TestCase("Alice Officer", "PUT", "/api/v1/accounts", HttpStatusCode.Forbidden)]
    [TestCase("Carol Auditor", "PUT", "/api/v1/accounts", HttpStatusCode.Forbidden)]
    [TestCase("Payroll System", "GET", "/api/v1/queue", HttpStatusCode.Forbidden)]
    [TestCase("Carol Auditor", "POST", "/api/v1/revocations", HttpStatusCode.Forbidden)]
    [TestCase("Payroll System", "POST", "/api/v1/releases", HttpStatusCode.Forbidden)]
    [TestCase("Alice Officer", "GET", "/api/v1/audit", HttpStatusCode.Forbidden)]
    [TestCase("Dave Admin", "GET", "/api/v1/audit", HttpStatusCode.Forbidden)]
    [TestCase("nobody", "GET", "/api/v1/queue", HttpStatusCode.Unauthorized)]
    [TestCase("nobody", "POST", "/api/v1/requests", HttpStatusCode.Unauthorized)]
    public async Task Role_ActionItMustNotPerform_Refused(string who, string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = JsonContent.Create(new { reason = "x", identity = "CN=Mallory", role = "RaAdmin", serial = "7F01", profile = "staff-auth", csr = "x" }),
        };
        using var response = await _clients[who].SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Forbidden_ProblemNamesTheMissingRoleAndTheHeldOne()
    {
        using var response = await _clients["Carol Auditor"].PostAsync("/api/v1/requests/1/approve", JsonContent.Create(new { reason = "x" }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = await JsonAsync(response);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("needs the role Officer; your account holds Auditor"));
        Assert.That(problem.GetProperty("code").GetString(), Is.EqualTo("auth.role_missing"));
    }

    [Test]
    public async Task NoClientCertificate_ClearProblem() =>
        await AssertProblemAsync(await _clients["nobody"].GetAsync("/api/v1/queue"), HttpStatusCode.Unauthorized, "client certificate issued by this platform is required");

    [Test]
    public async Task RevokedClientCertificate_ClearProblem()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Revoked Officer,O=HRSS");
        await _pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, null, "test");
        using var client = _host.Client(RaHost.Load(leaf));
        await AssertProblemAsync(await client.GetAsync("/api/v1/queue"), HttpStatusCode.Unauthorized, "revoked on");
    }

    [Test]
    public async Task ExpiredClientCertificate_ClearProblem()
    {
        using var client = _host.Client(RaHost.Load(_pki.ExpiredLeaf));
        await AssertProblemAsync(await client.GetAsync("/api/v1/queue"), HttpStatusCode.Unauthorized, "not valid now");
    }

    [Test]
    public async Task ForeignClientCertificate_ClearProblem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Intruder", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")], false));
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var client = _host.Client(X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null));
        await AssertProblemAsync(await client.GetAsync("/api/v1/queue"), HttpStatusCode.Unauthorized, "not issued by this platform");
    }

    [TestCase("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", "server-tls", HttpStatusCode.BadRequest, "not a valid PKCS#10")]
    [TestCase("rsa1024", "server-tls", HttpStatusCode.BadRequest, "RSA 1024")]
    [TestCase("san-outside", "staff-auth", HttpStatusCode.BadRequest, "dns is not allowed")]
    [TestCase("good", "no-such-profile", HttpStatusCode.NotFound, "unknown profile 'no-such-profile'")]
    public async Task Submit_BadInput_ProblemDetails(string csr, string profile, HttpStatusCode status, string detail)
    {
        var pem = csr switch
        {
            "rsa1024" => Rsa1024Csr(),
            "san-outside" => CsrPem(KeyAlgorithm.EcP256, "CN=x,O=HRSS", "dns:x.example"),
            "good" => CsrPem(KeyAlgorithm.EcP256, "CN=x,O=HRSS"),
            _ => csr,
        };
        using var response = await _clients[_system].PostAsJsonAsync("/api/v1/requests", Application(pem, profile));
        await AssertProblemAsync(response, status, detail);
    }

    [Test]
    public async Task Preview_DecodesAndReportsRules()
    {
        using var response = await _clients[_system].PostAsJsonAsync("/api/v1/requests/preview", new { profile = "server-tls", csr = CsrPem(KeyAlgorithm.EcP256, "CN=web,O=HRSS") });
        var json = await JsonAsync(response);
        Assert.That(json.GetProperty("keyType").GetString(), Is.EqualTo("ECDSA P-256"));
        Assert.That(json.GetProperty("acceptable").GetBoolean(), Is.False);
    }

    [Test]
    public async Task Audit_AuditorFiltersAndSeesChainVerified()
    {
        await SubmitAsync(CsrPem(KeyAlgorithm.EcP256, "CN=audited.hrss.example,O=HRSS", "dns:audited.hrss.example"));
        var json = await (await _clients["Carol Auditor"].GetAsync("/api/v1/audit?action=ra.request_submitted&take=5")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.That(json.GetProperty("chain").GetProperty("isIntact").GetBoolean(), Is.True);
        var events = json.GetProperty("events").EnumerateArray().ToList();
        Assert.That(events, Is.Not.Empty);
        Assert.That(events.Select(e => e.GetProperty("action").GetString()), Has.All.EqualTo("ra.request_submitted"));
    }

    [Test]
    public async Task OpenApi_DescribesTheApi()
    {
        var document = await _clients["nobody"].GetStringAsync("/openapi/v1.json");
        Assert.That(document, Does.Contain("/api/v1/requests").And.Contain("/api/v1/revocations"));
    }

    [Test]
    public async Task RequestOfSomeoneElse_HiddenFromOtherSystems()
    {
        var id = await SubmitAsync(CsrPem(KeyAlgorithm.EcP256, "CN=hidden.hrss.example,O=HRSS", "dns:hidden.hrss.example"));
        var other = await _pki.IssueAsync("business-system", "CN=Other System,O=HRSS");
        using var client = _host.Client(RaHost.Load(other));
        await AssertProblemAsync(await client.GetAsync($"/api/v1/requests/{id}"), HttpStatusCode.NotFound, $"no request {id}");
    }

    private static string Rsa1024Csr()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(1024);
        var request = new CertificateRequest("CN=weak,O=HRSS", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return request.CreateSigningRequestPem();
    }

    /// <summary>
    /// A USB key: the key pair is generated inside a SoftHSM2 token, the CSR is made by OpenSSL's pkcs11
    /// engine, the certificate comes through the RA and goes back onto the token, and curl logs in with
    /// the token-held key.
    /// </summary>
    [Test]
    public async Task UsbKey_CsrFromToken_IssuedThroughRa_CurlLogsInWithTokenKey()
    {
        var hsm = SoftHsmToken.Shared;
        var label = "officer-" + Guid.NewGuid().ToString("N")[..8];
        var id = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var uri = $"pkcs11:token={hsm.Label};object={label};type=private;pin-value={hsm.Pin}";
        var env = hsm.Environment;
        var generate = ExternalTool.Run(ExternalTool.Require("pkcs11-tool"), ["--module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--login", "--pin", hsm.Pin,
            "--keypairgen", "--key-type", "EC:prime256v1", "--id", id, "--label", label], environment: env);
        Assert.That(generate.ExitCode, Is.EqualTo(0), generate.ToString());

        var csrPath = _pki.WriteFile($"{label}.csr", []);
        var csr = ExternalTool.Run("openssl", ["req", "-new", "-engine", "pkcs11", "-keyform", "engine", "-key", uri, "-subj", "/O=HRSS/CN=Token Officer", "-out", csrPath], environment: env);
        Assert.That(csr.ExitCode, Is.EqualTo(0), csr.ToString());

        var requestId = await SubmitAsync(await File.ReadAllTextAsync(csrPath), "staff-auth");
        (await _clients["Alice Officer"].PostAsJsonAsync($"/api/v1/requests/{requestId}/approve", new { reason = "met in person" })).Dispose();
        (await _clients["Bob Officer"].PostAsJsonAsync($"/api/v1/requests/{requestId}/approve", new { reason = "second check" })).Dispose();
        string? pem = null;
        for (var i = 0; i < 75 && pem is null; i++)
        {
            await Task.Delay(200);
            using var response = await _clients[_system].GetAsync($"/api/v1/requests/{requestId}/certificate?format=pem");
            pem = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }

        Assert.That(pem, Is.Not.Null, "the certificate was not issued");
        var certificatePath = _pki.WriteFile($"{label}.pem", System.Text.Encoding.ASCII.GetBytes(pem!));
        var der = _pki.WriteFile($"{label}.der", X509CertificateLoader.LoadCertificate(System.Text.Encoding.ASCII.GetBytes(pem!)).RawData);
        var write = ExternalTool.Run("pkcs11-tool", ["--module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--login", "--pin", hsm.Pin,
            "--write-object", der, "--type", "cert", "--id", id, "--label", label], environment: env);
        Assert.That(write.ExitCode, Is.EqualTo(0), write.ToString());

        // The RA created the staff account when the CA issued; an operator grants it the officer role.
        var account = (await _host.Services.GetRequiredService<RegistrationAuthority>().GetAsync(requestId)).Account!;
        await _pki.Ca.Accounts.SetRoleAsync(account, RaRole.Officer, true, "Token Officer", "test");

        var curl = ExternalTool.Run(ExternalTool.Require("curl"), ["-s", "--engine", "pkcs11", "--key-type", "ENG", "--key", uri, "--cert", certificatePath,
            "--cacert", _pki.RootPemPath, $"{_host.Url}/Officer/Queue"], environment: env);
        Assert.That(curl.StdOut, Does.Contain("<h1>待审核申请</h1>"), curl.ToString());
        var api = ExternalTool.Run("curl", ["-s", "--engine", "pkcs11", "--key-type", "ENG", "--key", uri, "--cert", certificatePath,
            "--cacert", _pki.RootPemPath, $"{_host.Url}/api/v1/queue"], environment: env);
        Assert.That(api.StdOut.TrimStart(), Does.StartWith("["), api.ToString());
    }
}
