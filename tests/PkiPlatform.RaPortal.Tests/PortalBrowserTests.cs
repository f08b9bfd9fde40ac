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
        Assert.That(tracking, Does.StartWith("/Track/"));
        await ShotAsync(page, "apply-submitted");

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
        }

        string status;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        do
        {
            await page.GotoAsync($"{_host.Url}{tracking}");
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
        await page.GotoAsync($"{_host.Url}{tracking}");
        Assert.That(await page.InnerTextAsync("#status"), Is.EqualTo("已驳回"));
        Assert.That(await page.ContentAsync(), Does.Contain("staff ID unknown to HR"));
    }

    [Test]
    public async Task Officer_HoldReleaseRevoke_FromCertificatesPage()
    {
        var leaf = await _pki.IssueAsync("staff-auth", "CN=Held In Browser,O=HRSS");
        await using var officer = await ContextAsync(_officers["Alice Officer"]);
        var page = await officer.NewPageAsync();

        async Task<string> ActAsync(string button)
        {
            await page.GotoAsync($"{_host.Url}/Officer/Certificates?q={leaf.Serial}");
            await page.ClickAsync($"#certificates {button}");
            for (var i = 0; i < 20; i++)
            {
                await page.GotoAsync($"{_host.Url}/Officer/Certificates?q={leaf.Serial}");
                var status = await page.InnerTextAsync("#certificates .status");
                if (status != "Issued" || button == ".release")
                {
                    if (!(button == ".release" && status == "OnHold"))
                    {
                        return status;
                    }
                }

                await Task.Delay(250);
            }

            return await page.InnerTextAsync("#certificates .status");
        }

        Assert.That(await ActAsync(".hold"), Is.EqualTo("OnHold"));
        await ShotAsync(page, "certificates-held");
        Assert.That(await ActAsync(".release"), Is.EqualTo("Issued"));
        await page.SelectOptionAsync("#certificates select", "keyCompromise");
        Assert.That(await ActAsync(".revoke"), Is.EqualTo("Revoked"));
        await ShotAsync(page, "certificates-revoked");
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
