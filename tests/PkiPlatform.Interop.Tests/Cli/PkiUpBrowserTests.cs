using System.Text.RegularExpressions;
using Microsoft.Playwright;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>
/// Issue 11: dual control can start from a fresh `pki up` with nothing but what it printed: an applicant applies in the
/// browser, the two officers it created approve with their PKCS#12 credentials, the applicant downloads the certificate.
/// </summary>
[NonParallelizable]
public sealed class PkiUpBrowserTests
{
    [Test]
    public async Task FreshPkiUp_TheTwoPrintedOfficers_ApproveAnApplicationInTheBrowser()
    {
        if (!File.Exists(Chromium.Path))
        {
            Assert.Ignore($"{Chromium.Path} is not installed; the test script installs Debian's chromium");
        }

        var root = Directory.CreateTempSubdirectory("pki-up-browser-").FullName;
        try
        {
            var port = FreePort.Next();
            var raPort = FreePort.Next();
            var data = Path.Combine(root, "data");
            Assert.That(PkiCli.Run(data, "init", "--kdf-cost", "12", "--base-url", $"http://127.0.0.1:{port}").ExitCode, Is.EqualTo(0));
            using var up = PkiUpProcess.Start(data, "--ra-port", raPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var banner = await up.WaitForBannerAsync();
            var officers = Regex.Matches(banner, @"Officer  login:\s+(\S+)\s+password: (\S+)").Select(m => (Path: m.Groups[1].Value, Password: m.Groups[2].Value)).ToList();
            Assert.That(officers, Has.Count.EqualTo(2), banner);
            var ra = $"https://127.0.0.1:{raPort}";

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await Chromium.LaunchAsync(playwright);
            var shots = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
            Directory.CreateDirectory(shots);
            async Task ShotAsync(IPage page, string name)
            {
                var path = Path.Combine(shots, name + ".png");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
                TestContext.AddTestAttachment(path);
            }

            // The platform's TLS certificate chains to the root pki up printed; the browser is told to trust nothing else.
            await using var applicant = await browser.NewContextAsync(new BrowserNewContextOptions { IgnoreHTTPSErrors = true });
            var page = await applicant.NewPageAsync();
            await page.GotoAsync($"{ra}/Apply");
            await page.SelectOptionAsync("#Profile", "staff-auth");
            await page.FillAsync("#ApplicantName", "王五");
            await page.FillAsync("#StaffId", "E8008");
            await page.FillAsync("#Organization", "人社局");
            await page.FillAsync("#Csr", new string(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", TestCsr.Create(KeyAlgorithm.EcP256, "CN=Wang Wu,O=HRSS").Der)));
            await page.ClickAsync("#submit");
            var tracking = await page.GetAttributeAsync("#submitted a", "href");
            Assert.That(tracking, Does.StartWith($"{ra}/Track/"), await page.ContentAsync());
            await ShotAsync(page, "fresh-up-submitted");

            for (var i = 0; i < officers.Count; i++)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    IgnoreHTTPSErrors = true,
                    ClientCertificates = [new ClientCertificate { Origin = ra, PfxPath = officers[i].Path, Passphrase = officers[i].Password }],
                });
                var review = await context.NewPageAsync();
                await review.GotoAsync($"{ra}/Officer/Queue");
                Assert.That(await review.InnerTextAsync("#queue .progress"), Is.EqualTo($"已批准 {i}/2"));
                await review.ClickAsync("#queue a");
                await review.FillAsync("#Reason", "在窗口核对了身份证");
                await review.ClickAsync("#approve");
                Assert.That(await review.IsVisibleAsync("#error"), Is.False, await review.ContentAsync());
                await ShotAsync(review, $"fresh-up-approved-by-officer-{i + 1}");
            }

            string status;
            var deadline = DateTime.UtcNow.AddSeconds(20);
            do
            {
                await page.GotoAsync(tracking!);
                status = await page.InnerTextAsync("#status");
            }
            while (status != "已完成" && DateTime.UtcNow < deadline);
            Assert.That(status, Is.EqualTo("已完成"), up.Output);
            Assert.That(await page.IsVisibleAsync("#download-pem"), Is.True);
            await ShotAsync(page, "fresh-up-issued");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
