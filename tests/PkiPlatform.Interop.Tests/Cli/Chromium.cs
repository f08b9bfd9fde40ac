using Microsoft.Playwright;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>Debian's chromium under Playwright, launched the one way the machine supports (never `playwright install`).</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    /// <param name="home">
    /// A HOME for the browser process: chromium reads client certificates from HOME/.pki/nssdb (the NSS database a
    /// USB-key middleware fills), so a test can give it its own.
    /// </param>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, string? home = null) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Path,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        Env = home is null ? null : new Dictionary<string, string> { ["HOME"] = home },
    });
}
