using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PkiPlatform.Interop.Tests.Cli;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Identity;

/// <summary>
/// Issue 12 against a running `pki up`: a staff member's staff-auth certificate signs in to a relying party through the
/// identity provider (curl follows authorize → certificate login → code, exchanges it with PKCE, calls userinfo), and an
/// OpenID Connect library nobody here wrote (Debian's python3-authlib) validates the ES256 ID token against the JWKS.
/// Bad input is refused with nothing issued.
/// </summary>
[NonParallelizable]
public sealed class IdentityProviderTests
{
    private const string Redirect = "http://127.0.0.1:8400/signin-oidc";
    private string _root = "";
    private string _data = "";
#pragma warning disable NUnit1032 // disposed in OneTimeTearDown; the restart test replaces it
    private PkiUpProcess _up = null!;
#pragma warning restore NUnit1032
    private string _idp = "";
    private string[] _upArguments = [];
    private string _mtls = "";
    private string _ra = "";
    private string _secret = "";
    private (string Path, string Password) _officer;
    private (string Path, string Password) _officer2;
    private (string Path, string Password) _system;
    private (string Path, string Password) _admin;
    private (string Path, string Password) _expired;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _root = Directory.CreateTempSubdirectory("pki-idp-").FullName;
        _data = Path.Combine(_root, "data");
        var port = FreePort.Next();
        // Initialised two days ago, so that a login certificate issued yesterday for one day has expired by now.
        Assert.That(PkiCli.RunAt("-2d", _data, "init", "--kdf-cost", "12", "--base-url", $"http://127.0.0.1:{port}").ExitCode, Is.EqualTo(0));
        var expired = PkiCli.RunAt("-25h", _data, "officer", "add", "--staff-id", "S80", "--name", "Expired Staff", "--role", "Auditor", "--days", "1");
        var printed = Regex.Match(expired.StdOut, @"credential (\S+)\s+password: (\S+)");
        Assert.That(printed.Success, Is.True, expired.ToString());
        _expired = (printed.Groups[1].Value, printed.Groups[2].Value);
        var raPort = FreePort.Next();
        var idpPort = FreePort.Next();
        var mtlsPort = FreePort.Next();
        _upArguments = ["--ra-port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--idp-port", idpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--idp-mtls-port", mtlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        _up = PkiUpProcess.Start(_data, _upArguments);
        _mtls = $"https://127.0.0.1:{mtlsPort}/";
        var banner = await _up.WaitForBannerAsync();
        _idp = $"https://127.0.0.1:{idpPort}/";
        _ra = $"https://127.0.0.1:{raPort}";
        Assert.That(banner, Does.Contain($"issuer {_idp}"));
        _secret = Regex.Match(banner, @"client_id demo-rp\s+secret: (\S+)").Groups[1].Value;
        var officer = Regex.Match(banner, @"Officer  login:\s+(\S+)\s+password: (\S+)");
        var system = Regex.Match(banner, @"System\s+login:\s+(\S+)\s+password: (\S+)");
        Assert.That(_secret.Length > 0 && officer.Success && system.Success, Is.True, banner);
        _officer = (officer.Groups[1].Value, officer.Groups[2].Value);
        var second = Regex.Matches(banner, @"Officer  login:\s+(\S+)\s+password: (\S+)")[1];
        _officer2 = (second.Groups[1].Value, second.Groups[2].Value);
        _system = (system.Groups[1].Value, system.Groups[2].Value);
        var admin = Regex.Match(banner, @"RaAdmin\s+login:\s+(\S+)\s+password: (\S+)");
        Assert.That(admin.Success, Is.True, banner);
        _admin = (admin.Groups[1].Value, admin.Groups[2].Value);
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _up?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Root => Path.Combine(_data, "publish", "ca", "root.pem");

    private static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier))));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private string AuthorizeUrl(string challenge, string method = "S256", string redirect = Redirect, string nonce = "n-1", string scope = "openid profile roles") =>
        $"{_idp}connect/authorize?client_id=demo-rp&response_type=code&redirect_uri={Uri.EscapeDataString(redirect)}&scope={Uri.EscapeDataString(scope)}" +
        $"&code_challenge={challenge}&code_challenge_method={method}&state=s-1&nonce={nonce}";

    /// <summary>curl, as a browser with the USB key would: the certificate at the TLS handshake, headers of the answer printed.</summary>
    private ExternalTool.Result Curl((string Path, string Password)? certificate, params string[] arguments) =>
        ExternalTool.Run("curl", [.. new[] { "-s", "--cacert", Root }, .. certificate is { } c ? new[] { "--cert-type", "P12", "--cert", $"{c.Path}:{c.Password}" } : [], .. arguments]);

    private string CodeFor((string Path, string Password) certificate, string challenge, string nonce = "n-1", string scope = "openid profile roles")
    {
        var answer = Curl(certificate, "-i", AuthorizeUrl(challenge, nonce: nonce, scope: scope));
        var location = Regex.Match(answer.StdOut, @"(?im)^location: (\S+)");
        Assert.That(answer.StdOut, Does.StartWith("HTTP/2 302"), answer.ToString());
        Assert.That(location.Groups[1].Value, Does.StartWith(Redirect + "?code="));
        return Regex.Match(location.Groups[1].Value, "code=([^&]+)").Groups[1].Value;
    }

    private ExternalTool.Result Exchange(string code, string verifier) =>
        Curl(null, "-u", $"demo-rp:{_secret}", "-d", "grant_type=authorization_code", "-d", $"code={code}", "-d", $"redirect_uri={Redirect}", "-d", $"code_verifier={verifier}", $"{_idp}connect/token");

    [Test]
    public void StaffCertificate_SignsIn_CodeExchangedWithPkce_UserInfo_AuthlibValidatesTheIdToken()
    {
        var (verifier, challenge) = Pkce();
        var code = CodeFor(_officer, challenge, nonce: "n-42");
        var token = Exchange(code, verifier);
        using var tokens = JsonDocument.Parse(token.StdOut);
        Assert.That(tokens.RootElement.TryGetProperty("id_token", out _), Is.True, token.ToString());
        var accessToken = tokens.RootElement.GetProperty("access_token").GetString()!;

        var userinfo = Curl(null, "-H", $"Authorization: Bearer {accessToken}", $"{_idp}connect/userinfo");
        Assert.That(userinfo.StdOut, Does.Contain("\"sub\":\"staff:ra-officer\"").And.Contain("\"staff_id\":\"ra-officer\"").And.Contain("\"role\":[\"Officer\"]"), userinfo.ToString());

        var file = Path.Combine(_root, "tokens.json");
        File.WriteAllText(file, token.StdOut);
        var authlib = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Identity", "verify_id_token.py"), _idp, Root, file, "demo-rp", "n-42");
        Assert.That(authlib.ExitCode, Is.EqualTo(0), authlib.ToString());
        using var claims = JsonDocument.Parse(authlib.StdOut);
        Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.EqualTo("staff:ra-officer"));
        Assert.That(claims.RootElement.GetProperty("acr").GetString(), Is.EqualTo("urn:hrss:pki:acr:usb-key-certificate"));
        Assert.That(claims.RootElement.GetProperty("amr").EnumerateArray().Select(a => a.GetString()), Is.EquivalentTo(new[] { "hwk", "sc" }));

        // The JWKS is the key store's key: ES256 on P-256, labelled in the identity zone.
        var jwks = Curl(null, $"{_idp}.well-known/jwks");
        using var keySet = JsonDocument.Parse(jwks.StdOut);
        var key = keySet.RootElement.GetProperty("keys")[0];
        Assert.That((key.GetProperty("alg").GetString(), key.GetProperty("crv").GetString()), Is.EqualTo(("ES256", "P-256")));
        Assert.That(key.GetProperty("kid").GetString(), Does.StartWith("oidc-signing-"));
        Assert.That(key.TryGetProperty("d", out _), Is.False, "no private part");
    }

    [Test]
    public void RevokedLoginCertificate_RefreshTokenRefused_NextLoginRefused()
    {
        var add = PkiCli.Run(_data, "officer", "add", "--staff-id", "S77", "--name", "Revoked Staff", "--role", "Auditor");
        var printed = Regex.Match(add.StdOut, @"credential (\S+)\s+password: (\S+)");
        Assert.That(printed.Success, Is.True, add.ToString());
        var staff = (printed.Groups[1].Value, printed.Groups[2].Value);
        var (verifier, challenge) = Pkce();
        using var tokens = JsonDocument.Parse(Exchange(CodeFor(staff, challenge, scope: "openid offline_access"), verifier).StdOut);
        var refresh = tokens.RootElement.GetProperty("refresh_token").GetString()!;
        ExternalTool.Result Refresh(string token) => Curl(null, "-u", $"demo-rp:{_secret}", "-d", "grant_type=refresh_token", "-d", $"refresh_token={token}", $"{_idp}connect/token");
        using var renewed = JsonDocument.Parse(Refresh(refresh).StdOut);
        Assert.That(renewed.RootElement.TryGetProperty("access_token", out _), Is.True, "refresh works while the certificate is valid");
        var next = renewed.RootElement.GetProperty("refresh_token").GetString()!;

        var pem = ExternalTool.Run("openssl", "pkcs12", "-in", staff.Item1, "-nokeys", "-clcerts", "-passin", "pass:" + staff.Item2);
        var serialFile = Path.Combine(_root, "s77.pem");
        File.WriteAllText(serialFile, pem.StdOut);
        var serial = ExternalTool.Run("openssl", "x509", "-in", serialFile, "-noout", "-serial").StdOut.Trim().Split('=')[1];
        Assert.That(PkiCli.Run(_data, "revoke", serial, "--reason", "keyCompromise").ExitCode, Is.EqualTo(0));

        var refused = Refresh(next);
        Assert.That(refused.StdOut, Does.Contain("invalid_grant").And.Contain("revoked").And.Not.Contain("access_token"), refused.ToString());
        var login = Curl(staff, "-i", AuthorizeUrl(Pkce().Challenge));
        Assert.That(login.StdOut, Does.StartWith("HTTP/2 403").And.Contain("revoked on"), login.ToString());
    }

    [Test]
    public void PushedAuthorizationRequest_ThenAuthorizeByRequestUri_CodeIssued_ParRequiredClientRefusedWithout()
    {
        var (verifier, challenge) = Pkce();
        var pushed = Curl(null, "-u", $"demo-rp:{_secret}", "-d", "client_id=demo-rp", "-d", "response_type=code", "-d", $"redirect_uri={Redirect}", "-d", "scope=openid",
            "-d", $"code_challenge={challenge}", "-d", "code_challenge_method=S256", "-d", "state=s-par", "-d", "nonce=n-par", $"{_idp}connect/par");
        using var par = JsonDocument.Parse(pushed.StdOut);
        var requestUri = par.RootElement.GetProperty("request_uri").GetString()!;
        Assert.That(requestUri, Does.StartWith("urn:ietf:params:oauth:request_uri:"), pushed.ToString());
        var answer = Curl(_officer, "-i", $"{_idp}connect/authorize?client_id=demo-rp&request_uri={Uri.EscapeDataString(requestUri)}");
        var code = Regex.Match(answer.StdOut, @"(?im)^location: \S+[?&]code=([^&\s]+)").Groups[1].Value;
        Assert.That(code, Is.Not.Empty, answer.ToString());
        Assert.That(Exchange(code, verifier).StdOut, Does.Contain("id_token"));

        // A client registered with --require-par gets no code from a direct authorization request.
        var added = PkiCli.Run(_data, "oidc", "client", "add", "--id", "par-only", "--redirect-uri", Redirect, "--require-par");
        Assert.That(added.ExitCode, Is.EqualTo(0), added.ToString());
        var direct = Curl(_officer, "-i", AuthorizeUrl(challenge).Replace("client_id=demo-rp", "client_id=par-only", StringComparison.Ordinal));
        Assert.That(direct.StdOut, Does.Not.Match(@"(?im)^location: \S+[?&]code="), direct.ToString());
    }

    [Test]
    public async Task SampleRelyingParty_ChromiumPresentsTheStaffCertificate_SignsIn_ShowsTheClaims()
    {
        if (!File.Exists(Chromium.Path))
        {
            Assert.Ignore("/usr/bin/chromium is not installed; the test script installs Debian's chromium");
        }

        var (sample, rp) = await StartSampleRelyingPartyAsync("sample-rp");
        using var _ = sample;
        try
        {
            using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            await using var context = await browser.NewContextAsync(new Microsoft.Playwright.BrowserNewContextOptions
            {
                IgnoreHTTPSErrors = true,
                ClientCertificates = [new Microsoft.Playwright.ClientCertificate { Origin = _idp.TrimEnd('/'), PfxPath = _officer.Path, Passphrase = _officer.Password }],
            });
            var page = await context.NewPageAsync();
            await page.GotoAsync(rp + "/");
            Assert.That(await page.InnerTextAsync("#who"), Is.EqualTo("RA Officer"), await page.ContentAsync());
            var claims = await page.InnerTextAsync("#claims");
            Assert.That(claims, Does.Contain("staff:ra-officer").And.Contain("hwk").And.Contain("staff_id\tra-officer").And.Contain("role\tOfficer"));
            var shots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
            Directory.CreateDirectory(shots);
            var shot = Path.Combine(shots, "sample-relying-party-signed-in.png");
            await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = shot, FullPage = true });
            TestContext.AddTestAttachment(shot);
        }
        finally
        {
            sample.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// The browser as staff have it: the certificate in chromium's NSS database (certutil/pk12util), chosen by the
    /// AutoSelectCertificateForUrls policy for the provider's origin only (a managed policy file, as an administrator
    /// deploys it), no certificate handed to Playwright. Chromium signs in to the sample relying party; screenshot kept.
    /// </summary>
    [Test]
    public async Task Chromium_CertificateSelectedByPolicyFromNss_SignsInToTheSampleRelyingParty()
    {
        if (!File.Exists(Chromium.Path))
        {
            Assert.Ignore("/usr/bin/chromium is not installed; the test script installs Debian's chromium");
        }

        const string PolicyDirectory = "/etc/chromium/policies/managed";
        try
        {
            Directory.CreateDirectory(PolicyDirectory);
        }
        catch (UnauthorizedAccessException)
        {
            Assert.Ignore($"{PolicyDirectory} is not writable (the policy is machine-wide); run the suite as the test script does");
        }

        var home = Path.Combine(_root, "chromium-home");
        var nss = Path.Combine(home, ".pki", "nssdb");
        Directory.CreateDirectory(nss);
        Assert.That(ExternalTool.Run("certutil", "-N", "-d", "sql:" + nss, "--empty-password").ExitCode, Is.EqualTo(0));
        var import = ExternalTool.Run("pk12util", "-i", _officer.Path, "-d", "sql:" + nss, "-W", _officer.Password);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.ToString());
        Assert.That(ExternalTool.Run("certutil", "-A", "-d", "sql:" + nss, "-n", "HRSS Root CA", "-t", "C,,", "-i", Root).ExitCode, Is.EqualTo(0));
        var origin = _idp.TrimEnd('/');
        var policy = Path.Combine(PolicyDirectory, $"pki-test-{new Uri(_idp).Port}.json");
        File.WriteAllText(policy, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["AutoSelectCertificateForUrls"] = new[] { JsonSerializer.Serialize(new { pattern = origin, filter = new { ISSUER = new { CN = "HRSS Issuing CA" } } }) },
        }));
        var (sample, rp) = await StartSampleRelyingPartyAsync("policy-rp");
        using var _ = sample;
        try
        {
            using var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright, home);
            var page = await browser.NewPageAsync();
            await page.GotoAsync(rp + "/");
            Assert.That(await page.InnerTextAsync("#who"), Is.EqualTo("RA Officer"), await page.ContentAsync());
            Assert.That(await page.InnerTextAsync("#claims"), Does.Contain("staff:ra-officer").And.Contain("hwk"));
            var shots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
            Directory.CreateDirectory(shots);
            var shot = Path.Combine(shots, "chromium-policy-certificate-signed-in.png");
            await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = shot, FullPage = true });
            TestContext.AddTestAttachment(shot);
        }
        finally
        {
            File.Delete(policy);
            sample.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The sample relying party (ops/samples) as its own process, registered with a back-channel logout URI.</summary>
    private async Task<(System.Diagnostics.Process Process, string Url)> StartSampleRelyingPartyAsync(string clientId)
    {
        var rp = $"http://127.0.0.1:{FreePort.Next()}";
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", clientId, "--name", "Sample", "--redirect-uri", $"{rp}/signin-oidc", "--backchannel-logout-uri", $"{rp}/backchannel-logout");
        var secret = Regex.Match(add.StdOut, @"secret (\S+)").Groups[1].Value;
        Assert.That(secret, Is.Not.Empty, add.ToString());
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "PkiPlatform.SampleRelyingParty.dll"), "--urls", rp, "--Oidc:Authority", _idp,
                     "--Oidc:ClientId", clientId, "--Oidc:ClientSecret", secret, "--Oidc:RootCertificate", Root })
        {
            info.ArgumentList.Add(argument);
        }

        var sample = System.Diagnostics.Process.Start(info)!;
        sample.BeginOutputReadLine();
        sample.BeginErrorReadLine();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((int)(await http.GetAsync(rp + "/")).StatusCode == 302)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        return (sample, rp);
    }

    /// <summary>
    /// Issue 12's revocation test through a relying party: a staff member signs in to the sample relying party (curl with
    /// the certificate follows RP → authorize → code → RP), the RA revokes the certificate, and within 10 s the provider
    /// has sent the RP a back-channel logout token (validated by the RP against the JWKS) for that session; the RP's
    /// cookie no longer works, and the session's tokens are inactive at introspection.
    /// </summary>
    [Test]
    public async Task RevokedCertificate_RelyingPartyGetsBackChannelLogout_Within10Seconds()
    {
        var add = PkiCli.Run(_data, "officer", "add", "--staff-id", "S78", "--name", "Logout Staff", "--role", "Auditor");
        var printed = Regex.Match(add.StdOut, @"credential (\S+)\s+password: (\S+)");
        Assert.That(printed.Success, Is.True, add.ToString());
        var staff = (printed.Groups[1].Value, printed.Groups[2].Value);
        var (sample, rp) = await StartSampleRelyingPartyAsync("bcl-rp");
        using var _ = sample;
        try
        {
            var jar = Path.Combine(_root, "bcl.cookies");
            var signIn = Curl(staff, "-L", "-c", jar, "-b", jar, rp + "/");
            Assert.That(signIn.StdOut, Does.Contain("Logout Staff").And.Contain("staff:S78"), signIn.ToString());
            var sid = Regex.Match(signIn.StdOut, @"<td>sid</td><td class=""sid"">([^<]+)</td>").Groups[1].Value;
            Assert.That(sid, Is.Not.Empty, "the ID token carries the session id");

            var pem = Path.Combine(_root, "s78.pem");
            File.WriteAllText(pem, ExternalTool.Run("openssl", "pkcs12", "-in", staff.Item1, "-nokeys", "-clcerts", "-passin", "pass:" + staff.Item2).StdOut);
            var serial = ExternalTool.Run("openssl", "x509", "-in", pem, "-noout", "-serial").StdOut.Trim().Split('=')[1];
            var revoked = System.Diagnostics.Stopwatch.StartNew();
            Assert.That(PkiCli.Run(_data, "revoke", serial, "--reason", "keyCompromise").ExitCode, Is.EqualTo(0));
            var logouts = "";
            while (revoked.Elapsed < TimeSpan.FromSeconds(10) && !logouts.Contains(sid, StringComparison.Ordinal))
            {
                await Task.Delay(250);
                logouts = Curl(null, rp + "/backchannel-logout").StdOut;
            }

            TestContext.Out.WriteLine($"back-channel logout received {revoked.Elapsed.TotalSeconds:F1} s after the revocation");
            Assert.That(logouts, Does.Contain(sid).And.Contain("staff:S78"), $"no logout within 10 s: {logouts}");
            Assert.That(Curl(null, "-o", "/dev/null", "-w", "%{http_code}", "-b", jar, rp + "/").StdOut, Is.EqualTo("302"), "the RP's session ended");
            Assert.That(PkiCli.Run(_data, "audit", "list", "--limit", "20").StdOut, Does.Contain("oidc.session_ended"));
        }
        finally
        {
            sample.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public void ClientCredentials_TokenAndIntrospection_DisabledClientRefused()
    {
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "batch-job", "--grant", "client_credentials");
        var secret = Regex.Match(add.StdOut, @"secret (\S+)").Groups[1].Value;
        Assert.That(secret, Is.Not.Empty, add.ToString());
        var token = Curl(null, "-u", $"batch-job:{secret}", "-d", "grant_type=client_credentials", $"{_idp}connect/token");
        using var issued = JsonDocument.Parse(token.StdOut);
        var access = issued.RootElement.GetProperty("access_token").GetString()!;
        Assert.That(issued.RootElement.TryGetProperty("id_token", out _), Is.False, "no ID token without a person");

        var introspection = Curl(null, "-u", $"batch-job:{secret}", "-d", $"token={access}", $"{_idp}connect/introspect");
        using var info = JsonDocument.Parse(introspection.StdOut);
        Assert.That(info.RootElement.GetProperty("active").GetBoolean(), Is.True, introspection.ToString());
        Assert.That(info.RootElement.GetProperty("sub").GetString(), Is.EqualTo("batch-job"));

        Assert.That(Curl(null, "-u", "batch-job:wrong-secret", "-d", "grant_type=client_credentials", $"{_idp}connect/token").StdOut, Does.Contain("invalid_client"));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "disable", "batch-job").ExitCode, Is.EqualTo(0));
        // Effective within the provider's client cache lifetime (5 s; the CLI is another process).
        var disabled = System.Diagnostics.Stopwatch.StartNew();
        var refused = Curl(null, "-u", $"batch-job:{secret}", "-d", "grant_type=client_credentials", $"{_idp}connect/token");
        while (refused.StdOut.Contains("access_token", StringComparison.Ordinal) && disabled.Elapsed < TimeSpan.FromSeconds(7))
        {
            Thread.Sleep(250);
            refused = Curl(null, "-u", $"batch-job:{secret}", "-d", "grant_type=client_credentials", $"{_idp}connect/token");
        }

        Assert.That(refused.StdOut, Does.Contain("\"error\"").And.Not.Contain("access_token"), refused.ToString());
    }

    /// <summary>
    /// RFC 8705 against the running provider: the demo business system (registered by pki up for tls_client_auth) gets a
    /// client-credentials token on the mTLS listener whose cnf x5t#S256 is its certificate's SHA-256 (computed by openssl);
    /// another platform certificate (bound to a person, not to the system), no certificate, or the system's certificate on the
    /// login listener get nothing; the bound token is refused without the certificate or with another one.
    /// </summary>
    [Test]
    public void ClientCredentialsOverMtls_TokenBoundToTheCertificate_OtherCertificatesRefused()
    {
        var discovery = Curl(null, $"{_idp}.well-known/openid-configuration");
        using (var metadata = JsonDocument.Parse(discovery.StdOut))
        {
            Assert.That(metadata.RootElement.GetProperty("mtls_endpoint_aliases").GetProperty("token_endpoint").GetString(), Is.EqualTo($"{_mtls}connect/token"));
            Assert.That(metadata.RootElement.GetProperty("tls_client_certificate_bound_access_tokens").GetBoolean(), Is.True);
        }

        var token = Curl(_system, "-d", "grant_type=client_credentials", "-d", "client_id=demo-system", $"{_mtls}connect/token");
        using var issued = JsonDocument.Parse(token.StdOut);
        var access = issued.RootElement.GetProperty("access_token").GetString()!;
        var payload = access.Split('.')[1];
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/') + new string('=', (4 - payload.Length % 4) % 4)));
        var der = Path.Combine(_root, "system.der");
        var pem = ExternalTool.Run("openssl", "pkcs12", "-in", _system.Path, "-passin", $"pass:{_system.Password}", "-clcerts", "-nokeys");
        File.WriteAllText(Path.Combine(_root, "system.pem"), pem.StdOut);
        Assert.That(ExternalTool.Run("openssl", "x509", "-in", Path.Combine(_root, "system.pem"), "-outform", "der", "-out", der).ExitCode, Is.EqualTo(0));
        var thumbprint = ExternalTool.Run("openssl", "dgst", "-sha256", "-binary", "-out", Path.Combine(_root, "system.sha256"), der);
        Assert.That(thumbprint.ExitCode, Is.EqualTo(0), thumbprint.ToString());
        Assert.That(claims.RootElement.GetProperty("cnf").GetProperty("x5t#S256").GetString(), Is.EqualTo(Base64Url(File.ReadAllBytes(Path.Combine(_root, "system.sha256")))));
        Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.EqualTo("demo-system"));

        // Another platform certificate (the officer's: bound to a person), no certificate, the login listener: nothing issued.
        Assert.That(Curl(_officer, "-d", "grant_type=client_credentials", "-d", "client_id=demo-system", $"{_mtls}connect/token").StdOut, Does.Contain("invalid_client").And.Not.Contain("access_token"));
        Assert.That(Curl(null, "-d", "grant_type=client_credentials", "-d", "client_id=demo-system", $"{_mtls}connect/token").ExitCode, Is.Not.EqualTo(0), "no handshake without a certificate");
        Assert.That(Curl(_system, "-d", "grant_type=client_credentials", "-d", "client_id=demo-system", $"{_idp}connect/token").StdOut, Does.Contain("invalid_client").And.Not.Contain("access_token"));
        // A client registered with a secret cannot switch to a certificate.
        Assert.That(Curl(_system, "-d", "grant_type=client_credentials", "-d", "client_id=demo-rp", $"{_mtls}connect/token").StdOut, Does.Contain("\"error\"").And.Not.Contain("access_token"));

        // The bound token: introspection with the certificate shows cnf; userinfo without it, or with another, refused.
        var introspection = Curl(_system, "-d", "client_id=demo-system", "-d", $"token={access}", $"{_mtls}connect/introspect");
        Assert.That(introspection.StdOut, Does.Contain("\"active\": true").And.Contain("x5t#S256"), introspection.ToString());
        Assert.That(Curl(null, "-i", "-H", $"Authorization: Bearer {access}", $"{_idp}connect/userinfo").StdOut, Does.Contain("proof-of-possession is required"));
        Assert.That(Curl(_officer, "-i", "-H", $"Authorization: Bearer {access}", $"{_mtls}connect/userinfo").StdOut, Does.Contain("proof-of-possession is not valid"));
        // The mTLS listener serves only the client endpoints: no sign-in page there.
        Assert.That(Curl(_officer, "-o", "/dev/null", "-w", "%{http_code}", $"{_mtls}connect/authorize?client_id=demo-rp").StdOut, Is.EqualTo("404"));
    }

    /// <summary>
    /// Issue 12: RA administrators register relying parties in the portal (the provider's sign-in listener): an officer
    /// is refused, a form without the page's token changes nothing, the admin registers a client (secret shown once,
    /// audited with the admin's account) and disables it; the CLI sees the same registry.
    /// </summary>
    [Test]
    public void RelyingPartyAdminPage_RaAdminRegistersAndDisables_OfficerAndForgedFormsRefused()
    {
        var page = $"{_idp}connect/admin/clients?lang=en";
        var byOfficer = Curl(_officer, "-w", "\n%{http_code}", page);
        Assert.That(byOfficer.StdOut, Does.EndWith("403").And.Contain("does not hold the RaAdmin role"), byOfficer.ToString());

        var headers = Curl(_admin, "-D", "-", "-o", "/dev/null", page).StdOut;
        Assert.That(headers, Does.Contain("x-frame-options: DENY").IgnoreCase.And.Contain("frame-ancestors 'none'"), headers);
        var shown = Curl(_admin, page).StdOut;
        Assert.That(shown, Does.Contain("demo-rp").And.Contain("Register a business system"), shown);
        var token = Regex.Match(shown, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.That(token, Is.Not.Empty);

        string[] Form(params string[] fields) => [.. fields.SelectMany(f => new[] { "--data-urlencode", f })];
        var forged = Curl(_admin, ["-w", "\n%{http_code}", .. Form("action=add", "client_id=forged-rp", "display_name=Forged", "redirect_uris=https://rp.example/cb", "token=not-the-page-token"), page]);
        Assert.That(forged.StdOut, Does.EndWith("400").And.Contain("nothing was changed"), forged.ToString());

        var added = Curl(_admin, [.. Form("action=add", "client_id=portal-rp", "display_name=Portal RP", "auth=client_secret_basic", "grant=authorization_code",
            "redirect_uris=https://rp.example/cb", $"token={token}"), page]).StdOut;
        Assert.That(added, Does.Contain("Registered: portal-rp").And.Contain("client secret (shown once)"), added);
        var bad = Curl(_admin, ["-w", "\n%{http_code}", .. Form("action=add", "client_id=bad-rp", "display_name=Bad", "redirect_uris=http://evil.example/cb", $"token={token}"), page]).StdOut;
        Assert.That(bad, Does.EndWith("400").And.Contain("must be an absolute https URL"), bad);
        // The same refusal on the Chinese page (the default) is in Chinese.
        var chinesePage = $"{_idp}connect/admin/clients";
        var chineseToken = Regex.Match(Curl(_admin, chinesePage).StdOut, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value;
        var badChinese = Curl(_admin, ["-w", "\n%{http_code}", .. Form("action=add", "client_id=bad-rp", "display_name=Bad", "redirect_uris=http://evil.example/cb", $"token={chineseToken}"), chinesePage]).StdOut;
        Assert.That(badChinese, Does.EndWith("400").And.Contain("须为完整的 https 地址").And.Not.Contain("must be an absolute https URL"), badChinese);
        Assert.That(PkiCli.Run(_data, "oidc", "client", "list").StdOut, Does.Contain("portal-rp").And.Not.Contain("forged-rp").And.Not.Contain("bad-rp"));

        var disabled = Curl(_admin, [.. Form("action=disable", "client_id=portal-rp", $"token={token}"), page]).StdOut;
        Assert.That(disabled, Does.Contain("Disabled: portal-rp"), disabled);
        Assert.That(PkiCli.Run(_data, "oidc", "client", "list").StdOut, Does.Match(@"portal-rp\s+disabled"));
        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "200").StdOut.Split('\n');
        Assert.That(audit.Where(l => l.Contains("oidc.client_added", StringComparison.Ordinal) && l.Contains("portal-rp", StringComparison.Ordinal)), Has.Some.Contains("staff:ra-admin"));
        Assert.That(audit.Where(l => l.Contains("oidc.client_disabled", StringComparison.Ordinal)), Has.Some.Contains("staff:ra-admin"));
    }

    /// <summary>
    /// Issue 12's USB-key login: the staff member's key is generated on a SoftHSM2 token (pkcs11-tool) and never leaves
    /// it; openssl's pkcs11 engine makes the CSR; the application goes through the RA API (submitted by the business
    /// system, approved by two officers) and the CA issues; curl with the pkcs11 engine then follows authorize →
    /// certificate login → code, exchanges the code with PKCE and calls userinfo.
    /// </summary>
    [Test]
    public async Task UsbKeyOnSoftHsm_CurlPkcs11Engine_SignsIn_CodeExchanged_UserInfo()
    {
        var hsm = SoftHsmToken.Shared;
        var label = "usb-staff-" + Guid.NewGuid().ToString("N")[..8];
        var keyUri = $"pkcs11:token={hsm.Label};object={label};type=private;pin-value={hsm.Pin}";
        var generated = ExternalTool.Run("pkcs11-tool", ["--module", SoftHsmToken.ModulePath, "--token-label", hsm.Label, "--login", "--pin", hsm.Pin,
            "--keypairgen", "--key-type", "EC:prime256v1", "--label", label, "--id", Convert.ToHexString(RandomNumberGenerator.GetBytes(4))], environment: hsm.Environment);
        Assert.That(generated.ExitCode, Is.EqualTo(0), generated.ToString());
        var csr = Path.Combine(_root, label + ".csr");
        var request = ExternalTool.Run("openssl", ["req", "-new", "-engine", "pkcs11", "-keyform", "engine", "-key", keyUri, "-subj", "/CN=USB Key Staff/O=HRSS", "-out", csr], environment: hsm.Environment);
        Assert.That(request.ExitCode, Is.EqualTo(0), request.ToString());

        var body = Path.Combine(_root, label + ".json");
        File.WriteAllText(body, JsonSerializer.Serialize(new { profile = "staff-auth", csr = File.ReadAllText(csr), applicantName = "USB Key Staff", staffId = "S90", organization = "HRSS", unit = "IT", contact = "s90@hrss.example" }));
        var applied = Curl(_system, "-H", "Content-Type: application/json", "--data-binary", "@" + body, $"{_ra}/api/v1/requests");
        var id = Regex.Match(applied.StdOut, "\"id\":(\\d+)").Groups[1].Value;
        Assert.That(id, Is.Not.Empty, applied.ToString());
        foreach (var officer in new[] { _officer, _officer2 })
        {
            var approved = Curl(officer, "-H", "Content-Type: application/json", "--data-binary", "{\"reason\":\"identity checked at the counter\"}", $"{_ra}/api/v1/requests/{id}/approve");
            Assert.That(approved.StdOut, Does.Contain("\"status\":"), approved.ToString());
        }

        var certificate = Path.Combine(_root, label + ".pem");
        for (var i = 0; i < 60 && Curl(_system, "-o", certificate, "-w", "%{http_code}", $"{_ra}/api/v1/requests/{id}/certificate?format=pem").StdOut != "200"; i++)
        {
            await Task.Delay(500);
        }

        Assert.That(File.ReadAllText(certificate), Does.Contain("BEGIN CERTIFICATE"), "the CA issued the staff-auth certificate");
        var (verifier, challenge) = Pkce();
        var login = ExternalTool.Run("curl", ["-s", "-i", "--cacert", Root, "--engine", "pkcs11", "--key-type", "ENG", "--key", keyUri, "--cert", certificate, AuthorizeUrl(challenge)], environment: hsm.Environment);
        var location = Regex.Match(login.StdOut, @"(?im)^location: (\S+)").Groups[1].Value;
        Assert.That(location, Does.StartWith(Redirect + "?code="), login.ToString());
        var code = Regex.Match(location, "code=([^&]+)").Groups[1].Value;
        using var tokens = JsonDocument.Parse(Exchange(code, verifier).StdOut);
        var userinfo = Curl(null, "-H", $"Authorization: Bearer {tokens.RootElement.GetProperty("access_token").GetString()}", $"{_idp}connect/userinfo");
        Assert.That(userinfo.StdOut, Does.Contain("\"sub\":\"staff:S90\"").And.Contain("\"name\":\"USB Key Staff\""), userinfo.ToString());
    }

    /// <summary>The credential's certificate and key as PEM files (what python-requests presents at the handshake).</summary>
    private (string Certificate, string Key) PemFiles((string Path, string Password) credential, string name)
    {
        var certificate = Path.Combine(_root, name + ".crt");
        var key = Path.Combine(_root, name + ".key");
        Assert.That(ExternalTool.Run("openssl", "pkcs12", "-in", credential.Path, "-passin", $"pass:{credential.Password}", "-clcerts", "-nokeys", "-out", certificate).ExitCode, Is.EqualTo(0));
        Assert.That(ExternalTool.Run("openssl", "pkcs12", "-in", credential.Path, "-passin", $"pass:{credential.Password}", "-nocerts", "-nodes", "-out", key).ExitCode, Is.EqualTo(0));
        return (certificate, key);
    }

    /// <summary>
    /// A relying party nobody here wrote (Debian's python3-authlib with python3-requests): discovery, a pushed
    /// authorization request, the authorization request by request_uri with the staff certificate, the code exchange with
    /// PKCE S256 and client_secret_basic, the ID token validated against the JWKS (iss, aud, nonce, exp), userinfo.
    /// </summary>
    [Test]
    public void Authlib_Discovery_Par_Pkce_CodeExchange_IdTokenValidated()
    {
        var (certificate, key) = PemFiles(_officer, "officer-authlib");
        var run = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Identity", "oidc_client.py"), "code", _idp, Root, "demo-rp", _secret, Redirect, certificate, key);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        using var result = JsonDocument.Parse(run.StdOut);
        Assert.That(result.RootElement.GetProperty("par").GetString(), Does.StartWith("urn:ietf:params:oauth:re"));
        Assert.That(result.RootElement.GetProperty("sub").GetString(), Is.EqualTo("staff:ra-officer"));
        Assert.That(result.RootElement.GetProperty("alg").GetString(), Is.EqualTo("ES256"));
        Assert.That(result.RootElement.GetProperty("sid").GetString(), Is.Not.Empty);
        Assert.That(result.RootElement.GetProperty("userinfo_name").GetString(), Is.EqualTo("RA Officer"));
    }

    /// <summary>A client registered with --id-token-alg PS256: authlib validates a PS256 ID token (RSA key in the key store) against the JWKS.</summary>
    [Test]
    public void Ps256Client_IdTokenSignedPs256_AuthlibValidates()
    {
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "ps256-rp", "--redirect-uri", Redirect, "--id-token-alg", "PS256");
        var secret = Regex.Match(add.StdOut, @"secret (\S+)").Groups[1].Value;
        Assert.That(secret, Is.Not.Empty, add.ToString());
        var (certificate, key) = PemFiles(_officer, "officer-ps256");
        var run = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Identity", "oidc_client.py"), "code", _idp, Root, "ps256-rp", secret, Redirect, certificate, key);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdOut, Does.Contain("\"alg\": \"PS256\""));
        var jwks = Curl(null, $"{_idp}.well-known/jwks").StdOut;
        Assert.That(jwks, Does.Contain("\"PS256\"").And.Contain("\"ES256\""));
    }

    /// <summary>
    /// private_key_jwt (RFC 7523) with authlib's assertion (typ JWT, aud = the token endpoint, as OpenID Connect Core §9
    /// has it): the client registered with its public JWKS gets a client-credentials token; an assertion signed by
    /// another key is refused.
    /// </summary>
    [Test]
    public void PrivateKeyJwt_AuthlibClient_ClientCredentials_OtherKeyRefused()
    {
        string Jwk(ECDsa key, bool withPrivate)
        {
            var p = key.ExportParameters(includePrivateParameters: withPrivate);
            var d = withPrivate ? $",\"d\":\"{Base64Url(p.D!)}\"" : "";
            return $"{{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\",\"x\":\"{Base64Url(p.Q.X!)}\",\"y\":\"{Base64Url(p.Q.Y!)}\"{d}}}";
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwks = Path.Combine(_root, "keyclient.jwks");
        File.WriteAllText(jwks, $"{{\"keys\":[{Jwk(key, false)}]}}");
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "key-client", "--grant", "client_credentials", "--auth", "private_key_jwt", "--jwks", jwks);
        Assert.That(add.StdOut, Does.Contain("registered (private_key_jwt)"), add.ToString());
        var privateJwk = Path.Combine(_root, "keyclient.jwk");
        File.WriteAllText(privateJwk, Jwk(key, true));
        var run = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Identity", "oidc_client.py"), "private_key_jwt", _idp, Root, "key-client", privateJwk);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdOut, Does.Contain("\"sub\": \"key-client\""));

        File.WriteAllText(privateJwk, Jwk(other, true));
        var refused = ExternalTool.Run("/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "Identity", "oidc_client.py"), "private_key_jwt", _idp, Root, "key-client", privateJwk);
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(refused.StdErr, Does.Contain("invalid_client"), refused.ToString());
    }

    /// <summary>
    /// A relying party not run by the platform (--third-party): the staff member sees a consent page naming the
    /// application and what it asks for; no code before the answer; a forged or replayed answer (wrong consent token)
    /// gets the page again, "decline" gets access_denied at the relying party, "accept" gets the code.
    /// </summary>
    [Test]
    public void ThirdPartyClient_ConsentAsked_ForgedAnswerRefused_DeclineDenied_AcceptIssuesCode()
    {
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "partner-rp", "--name", "Partner Portal", "--redirect-uri", Redirect, "--third-party");
        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        var (_, challenge) = Pkce();
        var url = AuthorizeUrl(challenge).Replace("client_id=demo-rp", "client_id=partner-rp", StringComparison.Ordinal);
        var page = Curl(_officer, "-i", url);
        Assert.That(page.StdOut, Does.StartWith("HTTP/2 200").And.Contain("Partner Portal").And.Contain("consent_token").And.Not.Contain("code="), page.ToString());
        var token = Regex.Match(page.StdOut, "name=\"consent_token\" value=\"([^\"]+)\"").Groups[1].Value;
        var form = new List<string>();
        foreach (Match field in Regex.Matches(page.StdOut, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">"))
        {
            if (field.Groups[1].Value != "consent_token")
            {
                form.AddRange(["--data-urlencode", $"{field.Groups[1].Value}={System.Net.WebUtility.HtmlDecode(field.Groups[2].Value)}"]);
            }
        }

        ExternalTool.Result Answer(string consent, string decision) =>
            Curl(_officer, [.. new[] { "-i" }, .. form, "--data-urlencode", $"consent_token={consent}", "--data-urlencode", $"decision={decision}", $"{_idp}connect/authorize"]);
        var forged = Answer(token[..^4] + "AAAA", "accept");
        Assert.That(forged.StdOut, Does.StartWith("HTTP/2 200").And.Contain("consent_token").And.Not.Contain("code="), "a forged answer gets the page again");
        var declined = Answer(token, "decline");
        Assert.That(Regex.Match(declined.StdOut, @"(?im)^location: (\S+)").Groups[1].Value, Does.Contain("error=access_denied").And.Not.Contain("code="), declined.ToString());
        var accepted = Answer(token, "accept");
        Assert.That(Regex.Match(accepted.StdOut, @"(?im)^location: (\S+)").Groups[1].Value, Does.StartWith(Redirect + "?code="), accepted.ToString());
    }

    /// <summary>
    /// Remembered consent: "allow" with "remember" spares the page at the next sign-in to the same application for the
    /// same scopes (a code at once); a scope not allowed, or prompt=consent, asks again; prompt=none without consent is
    /// consent_required at the relying party. The staff member's /connect/consents lists it; another staff member cannot
    /// withdraw it (the id is looked up under the asker's own account), a forged form changes nothing; withdrawing asks
    /// again. Remembering and withdrawing are audit events.
    /// </summary>
    [Test]
    public void RememberedConsent_SkipsThePage_UntilMoreScopesPromptOrWithdrawal_OnlyItsOwnerWithdraws()
    {
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "remember-rp", "--name", "Payroll Partner", "--redirect-uri", Redirect, "--third-party");
        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        string Url(string scope = "openid profile", string extra = "") =>
            AuthorizeUrl(Pkce().Challenge, scope: scope).Replace("client_id=demo-rp", "client_id=remember-rp", StringComparison.Ordinal) + extra;

        var none = Curl(_officer, "-i", Url(extra: "&prompt=none"));
        Assert.That(Location(none), Does.Contain("error=consent_required").And.Not.Contain("code="), none.ToString());

        var page = Curl(_officer, "-i", Url());
        Assert.That(page.StdOut, Does.Contain("id=\"remember\"").And.Not.Contain("code="), page.ToString());
        var form = new List<string>();
        foreach (Match field in Regex.Matches(page.StdOut, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">"))
        {
            form.AddRange(["--data-urlencode", $"{field.Groups[1].Value}={System.Net.WebUtility.HtmlDecode(field.Groups[2].Value)}"]);
        }

        var accepted = Curl(_officer, [.. new[] { "-i" }, .. form, "--data-urlencode", "decision=accept", "--data-urlencode", "remember=on", $"{_idp}connect/authorize"]);
        Assert.That(Location(accepted), Does.StartWith(Redirect + "?code="), accepted.ToString());

        Assert.That(Location(Curl(_officer, "-i", Url())), Does.StartWith(Redirect + "?code="), "remembered: no page");
        Assert.That(Location(Curl(_officer, "-i", Url(scope: "openid"))), Does.StartWith(Redirect + "?code="), "fewer scopes are covered");
        Assert.That(Curl(_officer, "-i", Url(scope: "openid profile roles")).StdOut, Does.Contain("consent_token").And.Not.Contain("code="), "a scope not allowed asks again");
        Assert.That(Curl(_officer, "-i", Url(extra: "&prompt=consent")).StdOut, Does.Contain("consent_token"), "prompt=consent asks again");
        Assert.That(Curl(_officer2, "-i", Url()).StdOut, Does.Contain("consent_token"), "another staff member is asked for their own consent");

        var mine = Curl(_officer, "-i", $"{_idp}connect/consents?lang=en");
        Assert.That(mine.StdOut, Does.StartWith("HTTP/2 200").And.Contain("Payroll Partner").And.Contain("remember-rp").And.Contain("openid profile"), mine.ToString());
        var id = Regex.Match(mine.StdOut, "name=\"id\" value=\"([^\"]+)\"").Groups[1].Value;
        var theirs = Curl(_officer2, "-i", $"{_idp}connect/consents?lang=en");
        Assert.That(theirs.StdOut, Does.Contain("No application remembers your consent").And.Not.Contain("remember-rp"), theirs.ToString());
        var theirToken = Regex.Match(theirs.StdOut, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value;
        var myToken = Regex.Match(mine.StdOut, "name=\"token\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.That(theirToken, Is.Empty, "the empty page has no form");

        var byOther = Curl(_officer2, "-i", "--data-urlencode", $"id={id}", "--data-urlencode", $"token={myToken}", $"{_idp}connect/consents?lang=en");
        Assert.That(byOther.StdOut, Does.StartWith("HTTP/2 400").And.Contain("nothing was changed"), "my form token is bound to my certificate: " + byOther);
        var forged = Curl(_officer, "-i", "--data-urlencode", $"id={id}", "--data-urlencode", "token=AAAA", $"{_idp}connect/consents?lang=en");
        Assert.That(forged.StdOut, Does.StartWith("HTTP/2 400"), forged.ToString());
        Assert.That(Location(Curl(_officer, "-i", Url())), Does.StartWith(Redirect + "?code="), "still remembered after the refused withdrawals");

        var withdrawn = Curl(_officer, "-i", "--data-urlencode", $"id={id}", "--data-urlencode", $"token={myToken}", $"{_idp}connect/consents?lang=en");
        Assert.That(withdrawn.StdOut, Does.StartWith("HTTP/2 200").And.Contain("Withdrawn: remember-rp"), withdrawn.ToString());
        Assert.That(Curl(_officer, "-i", Url()).StdOut, Does.Contain("consent_token"), "withdrawn: asked again");
        var again = Curl(_officer, "-i", "--data-urlencode", $"id={id}", "--data-urlencode", $"token={myToken}", $"{_idp}connect/consents?lang=en");
        Assert.That(again.StdOut, Does.StartWith("HTTP/2 404").And.Contain("Nothing to withdraw"), again.ToString());

        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "200");
        Assert.That(audit.StdOut, Does.Contain("oidc.consent_remembered").And.Contain("oidc.consent_withdrawn"), audit.ToString());
    }

    /// <summary>
    /// Codes and refresh tokens outlive a restart: their encryption key is kept in DATA/identity/token-encryption.key,
    /// only wrapped by an RSA key of the identity zone in the key store (0600, 384 bytes of RSA-3072 ciphertext).
    /// </summary>
    [Test]
    public async Task RefreshToken_SurvivesARestartOfTheProvider_KeyFileHoldsOnlyTheWrappedKey()
    {
        var (verifier, challenge) = Pkce();
        using var tokens = JsonDocument.Parse(Exchange(CodeFor(_officer, challenge, scope: "openid offline_access"), verifier).StdOut);
        var refresh = tokens.RootElement.GetProperty("refresh_token").GetString()!;
        _up.Dispose();
        _up = PkiUpProcess.Start(_data, _upArguments);
        await _up.WaitForBannerAsync();
        var renewed = Curl(null, "-u", $"demo-rp:{_secret}", "-d", "grant_type=refresh_token", "-d", $"refresh_token={refresh}", $"{_idp}connect/token");
        Assert.That(renewed.StdOut, Does.Contain("access_token"), renewed.ToString());
        var file = Path.Combine(_data, "identity", "token-encryption.key");
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(new FileInfo(file).Length, Is.EqualTo(384), "RSA-3072 OAEP ciphertext, never the 32-byte key");
    }

    /// <summary>
    /// RP-initiated logout with the ID token as id_token_hint: the provider returns to the registered post-logout URI
    /// (with the state), the session ends (its refresh token is refused), and an unregistered post-logout URI gets no
    /// redirect. ID tokens have no token row; the hint is judged by its signature and names the session.
    /// </summary>
    [Test]
    public void RpInitiatedLogout_EndsTheSession_ReturnsOnlyToTheRegisteredUri()
    {
        var (verifier, challenge) = Pkce();
        using var tokens = JsonDocument.Parse(Exchange(CodeFor(_officer, challenge, scope: "openid offline_access"), verifier).StdOut);
        var idToken = tokens.RootElement.GetProperty("id_token").GetString()!;
        var refresh = tokens.RootElement.GetProperty("refresh_token").GetString()!;
        const string PostLogout = "http://127.0.0.1:8400/signout-callback-oidc";

        var elsewhere = Curl(null, "-i", $"{_idp}connect/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/out")}");
        Assert.That(elsewhere.StdOut, Does.Not.Match("(?im)^location: https://evil"), elsewhere.ToString());

        var logout = Curl(null, "-i", $"{_idp}connect/logout?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(PostLogout)}&state=bye");
        Assert.That(Location(logout), Does.StartWith(PostLogout).And.Contain("state=bye"), logout.ToString());
        var renewed = Curl(null, "-u", $"demo-rp:{_secret}", "-d", "grant_type=refresh_token", "-d", $"refresh_token={refresh}", $"{_idp}connect/token");
        Assert.That(renewed.StdOut, Does.Contain("invalid_grant").And.Not.Contain("access_token"), renewed.ToString());
    }

    [Test]
    public void ReplayedCode_Refused()
    {
        var (verifier, challenge) = Pkce();
        var code = CodeFor(_officer, challenge);
        Assert.That(Exchange(code, verifier).StdOut, Does.Contain("access_token"));
        Assert.That(Exchange(code, verifier).StdOut, Does.Contain("\"error\": \"invalid_grant\"").Or.Contain("\"error\":\"invalid_grant\""));
    }

    [Test]
    public void WrongVerifier_Refused_NothingIssued()
    {
        var (_, challenge) = Pkce();
        var code = CodeFor(_officer, challenge);
        var answer = Exchange(code, Pkce().Verifier);
        Assert.That(answer.StdOut, Does.Contain("invalid_grant").And.Not.Contain("access_token"), answer.ToString());
    }

    [Test]
    public void NoCertificate_OrNotAStaffLoginCertificate_ClearPage_NothingIssued()
    {
        var (_, challenge) = Pkce();
        var none = Curl(null, "-i", AuthorizeUrl(challenge));
        Assert.That(none.StdOut, Does.StartWith("HTTP/2 403").And.Contain("无法登录").And.Contain("no certificate was presented").And.Not.Contain("location:"));
        var system = Curl(_system, "-i", AuthorizeUrl(challenge));
        Assert.That(system.StdOut, Does.StartWith("HTTP/2 403").And.Contain("only staff login certificates (staff-auth) sign in here"));
    }

    /// <summary>
    /// Each refusal names its cause and what to do, and issues nothing: an expired login certificate (issued yesterday for
    /// one day), one on hold, one of a disabled account, one this platform never issued (a self-signed clientAuth
    /// certificate with an officer's very subject).
    /// </summary>
    [Test]
    public void ExpiredOnHoldDisabledOrForeignCertificate_ClearPage_NothingIssued()
    {
        string Refusal((string Path, string Password) certificate)
        {
            var answer = Curl(certificate, "-i", AuthorizeUrl(Pkce().Challenge) + "&ui_locales=en");
            Assert.That(answer.StdOut, Does.StartWith("HTTP/2 403").And.Contain("Sign-in refused").And.Not.Match("(?im)^location:"), answer.ToString());
            return answer.StdOut;
        }

        Assert.That(Refusal(_expired), Does.Contain("the client certificate is not valid now").And.Contain("ask for a new one"));

        (string, string) Staff(string id, string name)
        {
            var add = PkiCli.Run(_data, "officer", "add", "--staff-id", id, "--name", name, "--role", "Auditor");
            var printed = Regex.Match(add.StdOut, @"credential (\S+)\s+password: (\S+)");
            Assert.That(printed.Success, Is.True, add.ToString());
            return (printed.Groups[1].Value, printed.Groups[2].Value);
        }

        var held = Staff("S81", "Held Staff");
        Assert.That(Location(Curl(held, "-i", AuthorizeUrl(Pkce().Challenge))), Does.Contain("code="), "valid before the hold");
        var pem = Path.Combine(_root, "s81.pem");
        File.WriteAllText(pem, ExternalTool.Run("openssl", "pkcs12", "-in", held.Item1, "-nokeys", "-clcerts", "-passin", "pass:" + held.Item2).StdOut);
        var serial = ExternalTool.Run("openssl", "x509", "-in", pem, "-noout", "-serial").StdOut.Trim().Split('=')[1];
        Assert.That(PkiCli.Run(_data, "revoke", serial, "--reason", "certificateHold").ExitCode, Is.EqualTo(0));
        Assert.That(Refusal(held), Does.Contain("is on hold since").And.Contain("ask the RA to release it"));

        var disabled = Staff("S82", "Disabled Staff");
        Assert.That(PkiCli.Run(_data, "officer", "disable", "S82").ExitCode, Is.EqualTo(0));
        Assert.That(Refusal(disabled), Does.Contain("the account staff:S82 this certificate belongs to is disabled; ask an RA admin"));

        var officerPem = Path.Combine(_root, "officer-subject.pem");
        File.WriteAllText(officerPem, ExternalTool.Run("openssl", "pkcs12", "-in", _officer.Path, "-nokeys", "-clcerts", "-passin", "pass:" + _officer.Password).StdOut);
        var subject = ExternalTool.Run("openssl", "x509", "-in", officerPem, "-noout", "-subject", "-nameopt", "compat").StdOut.Trim()["subject=".Length..];
        var key = Path.Combine(_root, "foreign.key");
        var certificate = Path.Combine(_root, "foreign.pem");
        var made = ExternalTool.Run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "30", "-subj", subject, "-addext", "extendedKeyUsage=clientAuth", "-addext", "keyUsage=critical,digitalSignature");
        Assert.That(made.ExitCode, Is.EqualTo(0), made.ToString());
        var foreign = Path.Combine(_root, "foreign.p12");
        Assert.That(ExternalTool.Run("openssl", "pkcs12", "-export", "-in", certificate, "-inkey", key, "-out", foreign, "-passout", "pass:x").ExitCode, Is.EqualTo(0));
        Assert.That(Refusal((foreign, "x")), Does.Contain("the client certificate was not issued by this platform"));
    }

    private static string Location(ExternalTool.Result answer) => Regex.Match(answer.StdOut, @"(?im)^location: (\S+)").Groups[1].Value;

    [TestCase("https://evil.example/cb", "S256", "redirect_uri")]
    [TestCase(Redirect, "plain", "code_challenge_method")]
    public void BadAuthorizationRequest_ErrorWithoutRedirect(string redirect, string method, string named)
    {
        var (_, challenge) = Pkce();
        var answer = Curl(_officer, "-i", AuthorizeUrl(challenge, method, redirect));
        Assert.That(answer.StdOut, Does.StartWith("HTTP/2 400"), answer.ToString());
        Assert.That(answer.StdOut, Does.Not.Match("(?im)^location:"), "never a redirect to an unregistered or unchecked place");
        Assert.That(answer.StdOut, Does.Contain(named));
    }

    [Test]
    public void IdentityPaths_OnlyOnTheIdentityListener_AndNothingElseThere()
    {
        Assert.That(Curl(null, "-o", "/dev/null", "-w", "%{http_code}", $"{_ra}/.well-known/openid-configuration").StdOut, Is.EqualTo("404"));
        Assert.That(Curl(null, "-o", "/dev/null", "-w", "%{http_code}", $"{_idp}Apply").StdOut, Is.EqualTo("404"));
        Assert.That(Curl(null, $"{_idp}.well-known/openid-configuration").StdOut, Does.Contain("\"code_challenge_methods_supported\":[\"S256\"]").Or.Contain("\"S256\""));
    }

    [Test]
    public void OidcClients_AddListDisable_Audited()
    {
        var add = PkiCli.Run(_data, "oidc", "client", "add", "--id", "payroll-portal", "--name", "薪资系统", "--redirect-uri", "https://payroll.hrss.example/signin-oidc");
        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        Assert.That(add.StdOut, Does.Match(@"client payroll-portal: secret \S{40,}"));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "add", "--id", "bad", "--redirect-uri", "http://payroll.example/cb").StdErr,
            Does.Contain("must be an absolute https URL (http only on loopback)"));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "list").StdOut, Does.Match(@"payroll-portal\s+active\s+client_secret_basic\s+authorization_code,refresh_token\s+https://payroll.hrss.example/signin-oidc"));
        // Certificate clients name a registered business system; key clients bring public keys only.
        Assert.That(PkiCli.Run(_data, "oidc", "client", "add", "--id", "x", "--grant", "client_credentials", "--auth", "tls_client_auth", "--account", "system:nobody").StdErr,
            Does.Contain("tls_client_auth needs the registered business-system account"));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "add", "--id", "x", "--grant", "client_credentials", "--auth", "tls_client_auth", "--account", "staff:ra-officer").StdErr,
            Does.Contain("is none (pki account list)"));
        var jwk = Path.Combine(_root, "private.jwks");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var p = key.ExportParameters(includePrivateParameters: true);
            File.WriteAllText(jwk, $"{{\"keys\":[{{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"{Base64Url(p.Q.X!)}\",\"y\":\"{Base64Url(p.Q.Y!)}\",\"d\":\"{Base64Url(p.D!)}\"}}]}}");
        }

        Assert.That(PkiCli.Run(_data, "oidc", "client", "add", "--id", "x", "--grant", "client_credentials", "--auth", "private_key_jwt", "--jwks", jwk).StdErr,
            Does.Contain("no private or symmetric key material"));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "list").StdOut, Does.Not.Match(@"(?m)^x\s"), "nothing half-registered");
        Assert.That(PkiCli.Run(_data, "oidc", "client", "disable", "payroll-portal").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(_data, "oidc", "client", "list").StdOut, Does.Match(@"payroll-portal\s+disabled"));
        Assert.That(PkiCli.Run(_data, "audit", "list", "--limit", "5").StdOut, Does.Contain("oidc.client_added").And.Contain("oidc.client_disabled"));
    }
}
