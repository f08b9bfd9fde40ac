using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>
/// The portal in Debian's Chromium driven by Playwright: an applicant applies without a certificate,
/// two officers (each with their own client certificate) approve, the applicant downloads the
/// certificate and OpenSSL verifies it. Screenshots of the main pages go to the test artifacts.
/// </summary>
[NonParallelizable]
public sealed class PortalBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private TestPki _pki = null!;
    private RaHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly Dictionary<string, TestLeaf> _officers = [];
    private string _screenshots = "";

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        if (!File.Exists(Chromium))
        {
            Assert.Ignore($"{Chromium} is not installed; the test script installs Debian's chromium");
        }

        _pki = await TestPki.CreateAsync();
        _host = await RaHost.StartAsync(_pki);
        foreach (var (name, account, role) in new[] { ("Alice Officer", "staff:A1", RaRole.Officer), ("Bob Officer", "staff:B2", RaRole.Officer),
                     ("Carol Auditor", "staff:C3", RaRole.Auditor), ("Dave Admin", "staff:D4", RaRole.RaAdmin) })
        {
            _officers[name] = (await _pki.AccountAsync(account, $"CN={name},O=HRSS", role)).Leaf;
        }

        _screenshots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(_screenshots);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    private Task<IBrowserContext> ContextAsync(TestLeaf? certificate) => _browser.NewContextAsync(new BrowserNewContextOptions
    {
        IgnoreHTTPSErrors = true, // the test CA's server certificate; trust is not what this test is about
        ClientCertificates = certificate is null ? null : [new ClientCertificate { Origin = _host.Url, CertPath = certificate.CertificatePath, KeyPath = certificate.KeyPath }],
    });

    private async Task ShotAsync(IPage page, string name)
    {
        var path = Path.Combine(_screenshots, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path);
    }

    [Test]
    public async Task Applicant_TwoOfficersApprove_DownloadedCertificateVerifies()
    {
        var csr = new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, "CN=Zhao Liu,O=HRSS").Der));

        await using var applicant = await ContextAsync(null);
        var page = await applicant.NewPageAsync();
        await page.GotoAsync($"{_host.Url}/Apply");
        await page.SelectOptionAsync("#Profile", "staff-auth");
        await page.FillAsync("#ApplicantName", "赵六");
        await page.FillAsync("#StaffId", "E3003");
        await page.FillAsync("#Organization", "人社局");
        await page.FillAsync("#Unit", "信息中心");
        await page.FillAsync("#Contact", "zhaoliu@hrss.example");
        await page.FillAsync("#Csr", csr);
        await page.ClickAsync("#preview");
        Assert.That(await page.InnerTextAsync("#rules"), Does.Contain("✓").And.Contain("持有证明").And.Contain("密钥 ECDSA P-256 符合要求"), "the rules in the portal's Chinese");
        await ShotAsync(page, "apply-preview");
        await page.ClickAsync("#submit");
        var tracking = await page.GetAttributeAsync("#submitted a", "href");
        // Post/redirect/get: the browser is on the tracking page, which shows the absolute link to keep.
        Assert.That(tracking, Does.StartWith($"{_host.Url}/Track/"));
        Assert.That(page.Url, Does.StartWith(tracking!));
        await ShotAsync(page, "apply-submitted");

        // The same application again: recognised, pointing at the first one.
        await page.GotoAsync($"{_host.Url}/Apply");
        await page.SelectOptionAsync("#Profile", "staff-auth");
        await page.FillAsync("#ApplicantName", "赵六");
        await page.FillAsync("#StaffId", "E3003");
        await page.FillAsync("#Organization", "人社局");
        await page.FillAsync("#Csr", csr);
        await page.ClickAsync("#submit");
        Assert.That(await page.GetAttributeAsync("#submitted a", "href"), Is.EqualTo(tracking), "the duplicate points to the first application");
        Assert.That(await page.InnerTextAsync("#submitted"), Does.Contain("已在审核中"));
        await ShotAsync(page, "apply-duplicate");

        foreach (var officer in new[] { "Alice Officer", "Bob Officer" })
        {
            await using var context = await ContextAsync(_officers[officer]);
            var review = await context.NewPageAsync();
            await review.GotoAsync($"{_host.Url}/Officer/Queue");
            await ShotAsync(review, $"queue-{officer.Split(' ')[0].ToLowerInvariant()}");
            await review.ClickAsync("#queue a");
            await review.FillAsync("#Reason", "identity checked");
            await ShotAsync(review, $"review-{officer.Split(' ')[0].ToLowerInvariant()}");
            await review.ClickAsync("#approve");
            Assert.That(await review.IsVisibleAsync("#error"), Is.False, await review.ContentAsync());
            if (officer == "Alice Officer")
            {
                // Issue 11: progress, who approved and when; no approve button left for this officer.
                Assert.That(await review.InnerTextAsync("#progress"), Is.EqualTo("已批准 1/2"));
                Assert.That(await review.InnerTextAsync("#decisions"), Does.Contain("Alice Officer").And.Contain("批准"));
                Assert.That(await review.IsVisibleAsync("#approve"), Is.False);
                Assert.That(await review.IsVisibleAsync("#decided"), Is.True);
                await ShotAsync(review, "review-after-first-approval");
                await review.GotoAsync($"{_host.Url}/Officer/Queue");
                Assert.That(await review.InnerTextAsync("#queue .progress"), Does.Contain("已批准 1/2"));
            }
        }

        string status;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await page.GotoAsync(tracking!);
            status = await page.InnerTextAsync("#status");
        }
        while (!await page.IsVisibleAsync("#download-pem") && DateTime.UtcNow < deadline);
        await ShotAsync(page, "track-done");
        Assert.That(await page.IsVisibleAsync("#download-pem"), Is.True, status);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-pem"));
        var path = Path.Combine(_pki.Directory, "browser-download.pem");
        await download.SaveAsAsync(path);
        var verify = ExternalTool.Run("openssl", "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", _pki.RootPemPath, "-untrusted", _pki.IssuingPemPath, path);
        Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{path}: OK"), verify.ToString());
    }

    [Test]
    public async Task OfficerPage_WithoutClientCertificate_Refused()
    {
        await using var anonymous = await ContextAsync(null);
        var page = await anonymous.NewPageAsync();
        var response = await page.GotoAsync($"{_host.Url}/Officer/Queue");
        Assert.That(response!.Status, Is.EqualTo(401));
        Assert.That(await page.InnerTextAsync("#reason"), Does.Contain("client certificate issued by this platform is required"));
        await ShotAsync(page, "officer-refused");
    }

    [Test]
    public async Task Apply_MissingFields_FieldLevelMessages_EnglishSwitch()
    {
        await using var context = await ContextAsync(null);
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_host.Url}/Apply");
        await page.ClickAsync("#lang");
        await page.FillAsync("#Csr", new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, "CN=x,O=HRSS").Der)));
        await page.ClickAsync("#submit");
        Assert.That(await page.InnerTextAsync("#ApplicantName-error"), Is.EqualTo("This field is required"));
        Assert.That(await page.GetAttributeAsync("html", "lang"), Is.EqualTo("en"));
        await ShotAsync(page, "apply-errors-en");
        await page.ClickAsync("nav.zones a:has-text('UTC')");
        Assert.That(await page.InnerTextAsync("nav.zones a.current"), Is.EqualTo("UTC"));
    }

    private async Task<string> ApplyAsync(IBrowserContext context, string name)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"{_host.Url}/Apply");
        await page.FillAsync("#ApplicantName", name);
        await page.FillAsync("#StaffId", "E" + name.Length);
        await page.FillAsync("#Organization", "HRSS");
        await page.FillAsync("#Csr", new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, $"CN={name},O=HRSS").Der)));
        await page.ClickAsync("#submit");
        return (await page.GetAttributeAsync("#submitted a", "href"))!;
    }

    [Test]
    public async Task Officer_Rejects_ApplicantSeesReason()
    {
        await using var applicant = await ContextAsync(null);
        var tracking = await ApplyAsync(applicant, "Rejected Applicant");
        await using var officer = await ContextAsync(_officers["Alice Officer"]);
        var review = await officer.NewPageAsync();
        await review.GotoAsync($"{_host.Url}/Officer/Queue?q=Rejected");
        await review.ClickAsync("#queue a");
        await review.ClickAsync("#reject");
        Assert.That(await review.InnerTextAsync("#error"), Does.Contain("输入不完整或有误").And.Contain("reason"), "a rejection without a reason is refused, said in Chinese with the detail");
        await review.FillAsync("#Reason", "staff ID unknown to HR");
        await review.ClickAsync("#reject");
        await ShotAsync(review, "review-rejected");

        var page = await applicant.NewPageAsync();
        await page.GotoAsync(tracking!);
        Assert.That(await page.InnerTextAsync("#status"), Is.EqualTo("已驳回"));
        Assert.That(await page.ContentAsync(), Does.Contain("staff ID unknown to HR"));
    }

    [Test]
    public async Task Officer_HoldReleaseRevoke_FromCertificatesPage_RevocationConfirmed()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Held In Browser,O=HRSS");
        await using var officer = await ContextAsync(_officers["Alice Officer"]);
        var page = await officer.NewPageAsync();
        var list = $"{_host.Url}/Officer/Certificates?q={leaf.Serial}";

        async Task<string> StatusAsync(string until)
        {
            for (var i = 0; i < 40; i++)
            {
                await page.GotoAsync(list);
                var status = await page.InnerTextAsync("#certificates .status");
                if (status == until)
                {
                    return status;
                }

                await Task.Delay(250);
            }

            return await page.InnerTextAsync("#certificates .status");
        }

        await page.GotoAsync(list);
        Assert.That(await page.InnerTextAsync("#certificates .status"), Is.EqualTo("有效"), "statuses in the portal's Chinese");
        await page.ClickAsync("#certificates .hold");
        Assert.That(await StatusAsync("已冻结"), Is.EqualTo("已冻结"));
        await ShotAsync(page, "certificates-held");
        await page.ClickAsync("#certificates .release");
        Assert.That(await StatusAsync("有效"), Is.EqualTo("有效"));

        // Issue 11: revocation asks for confirmation on its own page: the certificate, a reason to choose (none preselected), what happens.
        await page.ClickAsync("#certificates .revoke");
        Assert.That(page.Url, Does.Contain($"/Officer/Revoke/{leaf.Serial}"));
        Assert.That(await page.InnerTextAsync("#certificate"), Does.Contain("CN=Held In Browser").And.Contain("员工登录证书"));
        Assert.That(await page.InnerTextAsync("#consequences"), Does.Contain("OCSP").And.Contain("CRL").And.Contain("不能撤回"));
        Assert.That(await page.EvaluateAsync<int>("() => document.querySelectorAll('input[name=Reason]:checked').length"), Is.EqualTo(0), "no reason preselected");
        Assert.That(await page.InnerTextAsync("#reasons"), Does.Contain("密钥泄露").And.Contain("已被取代"));
        await ShotAsync(page, "revoke-confirm");
        // The browser will not submit without a reason; nor does the server accept one without.
        await page.EvaluateAsync("() => document.querySelectorAll('input[name=Reason]').forEach(i => i.removeAttribute('required'))");
        await page.ClickAsync("#confirm");
        Assert.That(await page.InnerTextAsync("#error"), Does.Contain("请选择吊销原因"));
        Assert.That(await page.InnerTextAsync("#certificate"), Does.Contain("有效"), "nothing was revoked");
        await page.CheckAsync("input[value=keyCompromise]");
        await page.ClickAsync("#confirm");
        Assert.That(page.Url, Does.Contain("/Officer/Certificates"));
        Assert.That(await StatusAsync("已吊销"), Is.EqualTo("已吊销"));
        await ShotAsync(page, "certificates-revoked");
    }

    [Test]
    public async Task Revocation_OfPlatformAndOwnCertificates_RefusedOnTheOfficerPage()
    {
        var tsa = await _pki.IssueAsync("tsa", "CN=Browser TSA,O=HRSS");
        await using var officer = await ContextAsync(_officers["Alice Officer"]);
        var page = await officer.NewPageAsync();
        await page.GotoAsync($"{_host.Url}/Officer/Revoke/{tsa.Serial}");
        Assert.That(await page.InnerTextAsync("#refused"), Does.Contain("平台自身的证书").And.Contain("pki revoke"));
        Assert.That(await page.IsVisibleAsync("#confirm"), Is.False);
        await ShotAsync(page, "revoke-platform-refused");
        await page.GotoAsync($"{_host.Url}/Officer/Revoke/{_officers["Alice Officer"].Serial}");
        Assert.That(await page.InnerTextAsync("#refused"), Does.Contain("your own certificate"));
        Assert.That(await page.IsVisibleAsync("#confirm"), Is.False);
        await page.GotoAsync($"{_host.Url}/Officer/Certificates?q={_officers["Alice Officer"].Serial}");
        await page.ClickAsync("#certificates .hold");
        Assert.That(await page.InnerTextAsync("#error"), Does.Contain("your own account"), "no hold of one's own login certificate either");
    }

    [Test]
    public async Task MistypedTrackingLink_HtmlPageInEachLanguage()
    {
        await using var anonymous = await ContextAsync(null);
        var page = await anonymous.NewPageAsync();
        var response = await page.GotoAsync($"{_host.Url}/Track/0123456789");
        Assert.That(response!.Status, Is.EqualTo(404));
        Assert.That(response.Headers["content-type"], Does.StartWith("text/html"));
        Assert.That(await page.InnerTextAsync("#error-title"), Is.EqualTo("找不到该页面"));
        Assert.That(await page.InnerTextAsync("#what"), Does.Contain("32"));
        await ShotAsync(page, "not-found-zh");
        await page.GotoAsync($"{_host.Url}/Lang?to=en&returnUrl=%2F");
        await page.GotoAsync($"{_host.Url}/Track/0123456789");
        Assert.That(await page.InnerTextAsync("#error-title"), Is.EqualTo("Page not found"));
        Assert.That(await page.GetAttributeAsync("html", "lang"), Is.EqualTo("en"));
        await ShotAsync(page, "not-found-en");
    }

    /// <summary>
    /// Issue 11's language-purity walk: every page in Chinese shows none of the portal's English phrases, and in English
    /// none of its Chinese ones (data such as names and DNs is the user's, not the portal's).
    /// </summary>
    [Test]
    public async Task EveryPage_InOneLanguageAtATime()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Walk Person,O=HRSS");
        var tracking = await ApplyAsync(await ContextAsync(null), "Walker");
        var pages = new (string Who, string Path)[]
        {
            ("nobody", "/"), ("nobody", "/Apply"), ("nobody", new Uri(tracking).AbsolutePath), ("nobody", "/Track/bad-link"), ("nobody", "/Officer/Queue"),
            ("Alice Officer", "/Officer/Queue"), ("Alice Officer", "/Officer/Certificates"), ("Alice Officer", $"/Officer/Revoke/{leaf.Serial}"),
            ("Alice Officer", "/Admin/Accounts"), ("Dave Admin", "/Admin/Accounts"), ("Carol Auditor", "/Audit"),
        };
        var failures = new List<string>();
        foreach (var language in new[] { "zh-CN", "en" })
        {
            var forbidden = Host.Portal.PortalText.Phrases(pageLanguage: language);
            foreach (var (who, path) in pages)
            {
                await using var context = await ContextAsync(who == "nobody" ? null : _officers[who]);
                var page = await context.NewPageAsync();
                await page.GotoAsync($"{_host.Url}/Lang?to={language}&returnUrl=%2F");
                await page.GotoAsync($"{_host.Url}{path}");
                var body = await page.InnerTextAsync("body");
                failures.AddRange(forbidden.Where(body.Contains).Select(p => $"{language} {who} {path}: '{p}'"));
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public async Task AdminAndAuditorPages_OnlyForTheirRoles()
    {
        // A staff account exists once the CA issued its first certificate; the RA admin gives it a role.
        await _pki.AccountAsync("staff:N5", "CN=New Officer,O=HRSS");
        await using var admin = await ContextAsync(_officers["Dave Admin"]);
        var accounts = await admin.NewPageAsync();
        await accounts.GotoAsync($"{_host.Url}/Admin/Accounts");
        await accounts.FillAsync("#Identity", "staff:N5");
        await accounts.FillAsync("#DisplayName", "New Officer");
        await accounts.SelectOptionAsync("#Role", "Officer");
        await accounts.ClickAsync("#save");
        Assert.That(await accounts.InnerTextAsync("#accounts"), Does.Contain("staff:N5").And.Contain("Officer"));
        await ShotAsync(accounts, "admin-accounts");

        await using var auditor = await ContextAsync(_officers["Carol Auditor"]);
        var audit = await auditor.NewPageAsync();
        await audit.GotoAsync($"{_host.Url}/Audit?action=account.changed");
        Assert.That(await audit.InnerTextAsync("#chain"), Does.StartWith("哈希链校验通过"));
        Assert.That(await audit.InnerTextAsync("#events"), Does.Contain("staff:N5"));
        await ShotAsync(audit, "audit");

        await using var officer = await ContextAsync(_officers["Alice Officer"]);
        var refused = await officer.NewPageAsync();
        var response = await refused.GotoAsync($"{_host.Url}/Admin/Accounts");
        Assert.That(response!.Status, Is.EqualTo(403));
        var queue = await (await auditor.NewPageAsync()).GotoAsync($"{_host.Url}/Officer/Queue");
        Assert.That(queue!.Status, Is.EqualTo(200), "auditors may read the queue");
        var approve = await (await auditor.NewPageAsync()).GotoAsync($"{_host.Url}/Officer/Certificates");
        Assert.That(approve!.Status, Is.EqualTo(403), "auditors may not revoke");
    }
}
