using System.Text.RegularExpressions;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>Issue 11: dual control can start — pki officer add|list|disable, and pki issue refuses to skip the RA silently.</summary>
public sealed class PkiOfficerTests
{
    private string _root = "";
    private string _data = "";

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _root = Directory.CreateTempSubdirectory("pki-officer-").FullName;
        _data = Path.Combine(_root, "data");
        var init = PkiCli.Run(_data, "init", "--kdf-cost", "12");
        Assert.That(init.ExitCode, Is.EqualTo(0), init.ToString());
    }

    [OneTimeTearDown]
    public void OneTimeTearDown() => Directory.Delete(_root, recursive: true);

    [Test]
    public void OfficerAdd_IssuesALoginCredential_BindsTheRole_ListDisable()
    {
        var add = PkiCli.Run(_data, "--actor", "ticket-42", "officer", "add", "--staff-id", "E2001", "--name", "李四");
        Assert.That(add.ExitCode, Is.EqualTo(0), add.ToString());
        var printed = Regex.Match(add.StdOut, @"staff:E2001: role Officer, credential (\S+)\s+password: (\S+)");
        Assert.That(printed.Success, Is.True, add.StdOut);
        Assert.That(File.GetUnixFileMode(printed.Groups[1].Value), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        // The credential opens with the printed password and holds a staff-auth certificate for the person (openssl reads it).
        var info = ExternalTool.Run("openssl", ["pkcs12", "-in", printed.Groups[1].Value, "-nokeys", "-clcerts", "-passin", "pass:" + printed.Groups[2].Value]);
        Assert.That(info.ExitCode, Is.EqualTo(0), info.ToString());
        var pem = Path.Combine(_root, "e2001.pem");
        File.WriteAllText(pem, info.StdOut);
        var text = ExternalTool.Run("openssl", ["x509", "-in", pem, "-noout", "-subject", "-ext", "extendedKeyUsage", "-nameopt", "utf8"]);
        Assert.That(text.StdOut, Does.Contain("CN=李四").And.Contain("TLS Web Client Authentication"));

        var list = PkiCli.Run(_data, "officer", "list");
        Assert.That(list.StdOut, Does.Match(@"staff:E2001\s+Officer\s+active\s+1 cert"));
        Assert.That(list.StdErr, Does.Contain("fewer than two active officers"), "one officer cannot start dual control");

        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "10").StdOut;
        Assert.That(audit, Does.Contain("account.registered").And.Contain("certificate.ra_bypassed").And.Contain("account.changed"));
        Assert.That(audit, Does.Contain("as ticket-42"), "the operator is named");

        var disable = PkiCli.Run(_data, "officer", "disable", "E2001");
        Assert.That(disable.ExitCode, Is.EqualTo(0), disable.ToString());
        Assert.That(PkiCli.Run(_data, "officer", "list").StdOut, Does.Match(@"staff:E2001\s+Officer\s+disabled"));
    }

    [Test]
    public void OfficerAdd_UnknownRole_ExitTwoWithTheChoices()
    {
        var run = PkiCli.Run(_data, "officer", "add", "--staff-id", "E2009", "--name", "X", "--role", "Boss");
        Assert.That(run.ExitCode, Is.Not.EqualTo(0));
        Assert.That(run.StdErr + run.StdOut, Does.Contain("Officer").And.Contain("RaAdmin"));
    }

    [Test]
    public void Issue_StaffProfileWithoutBypass_Refused_WithBypass_AuditedWithReason()
    {
        var csr = Path.Combine(_root, "bypass.csr");
        File.WriteAllBytes(csr, TestCsr.Create(KeyAlgorithm.EcP256, "CN=Bypass Person,O=HRSS").Der);
        var refused = PkiCli.Run(_data, "issue", "--profile", "staff-auth", "--csr", csr);
        Assert.That(refused.ExitCode, Is.EqualTo(2), refused.ToString());
        Assert.That(refused.StdErr, Does.StartWith("pki: error: profile staff-auth is applied for at the RA and needs 2 officer approval(s)").And.Contain("--bypass-ra"));

        var issued = PkiCli.Run(_data, "issue", "--profile", "staff-auth", "--csr", csr, "--bypass-ra", "INC-7: officer's USB key replaced on site", "--out", Path.Combine(_root, "bypass.pem"));
        Assert.That(issued.ExitCode, Is.EqualTo(0), issued.ToString());
        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "3").StdOut;
        Assert.That(audit, Does.Contain("certificate.ra_bypassed").And.Contain("approvals skipped=2").And.Contain("reason=INC-7: officer's USB key replaced on site"));
    }
}
