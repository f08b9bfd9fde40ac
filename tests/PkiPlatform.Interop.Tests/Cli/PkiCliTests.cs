using Microsoft.Data.Sqlite;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>The `pki` command as a script would use it: one initialised data directory shared by the fixture.</summary>
public sealed class PkiCliTests
{
    private string _root = "";
    private string _data = "";

    [OneTimeSetUp]
    public void OneTimeSetUp()
    {
        _root = Directory.CreateTempSubdirectory("pki-cli-").FullName;
        _data = Path.Combine(_root, "data");
        var init = PkiCli.Run(_data, "init", "--kdf-cost", "12");
        Assert.That(init.ExitCode, Is.EqualTo(0), init.ToString());
    }

    [OneTimeTearDown]
    public void OneTimeTearDown() => Directory.Delete(_root, recursive: true);

    private string Csr(string name, KeyAlgorithm key = KeyAlgorithm.EcP256, params string[] sans)
    {
        var path = Path.Combine(_root, name + ".csr");
        File.WriteAllBytes(path, TestCsr.Create(key, $"CN={name},O=HRSS", sans).Der);
        return path;
    }

    private static void AssertOneLineError(ExternalTool.Result result, string expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(lines[0], Does.StartWith("pki: error: ").And.Contain(expected));
        Assert.That(result.StdErr, Does.Not.Contain("   at "), "no stack trace");
    }

    private long CountCertificates()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_data, "ca.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM certificates";
        return (long)command.ExecuteScalar()!;
    }

    [Test]
    public void Init_NoTerminal_GeneratesOwnerOnlyPassphraseAndSaysEvaluationOnly()
    {
        var data = Path.Combine(_root, "fresh");
        var run = PkiCli.Run(data, "init", "--kdf-cost", "12");
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdErr, Does.Contain("EVALUATION ONLY"));
        Assert.That(File.GetUnixFileMode(Path.Combine(data, "passphrase")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(File.Exists(Path.Combine(data, "publish", "ca", "root.crt")) && File.Exists(Path.Combine(data, "publish", "crl", "issuing.crl")), Is.True);
        var config = File.ReadAllText(Path.Combine(data, "pki.json"));
        Assert.That(config, Does.Contain("http://127.0.0.1:8080/ocsp"));
    }

    [Test]
    public void Init_Twice_Refused()
    {
        AssertOneLineError(PkiCli.Run(_data, "init"), "already holds a PKI");
    }

    [Test]
    public void Init_UnknownAlgorithm_LeavesNothingBehind()
    {
        var data = Path.Combine(_root, "bad-init");
        AssertOneLineError(PkiCli.Run(data, "init", "--algorithm", "dsa-1024"), "unknown key algorithm 'dsa-1024'");
        Assert.That(Directory.Exists(data), Is.False);
        Assert.That(Directory.GetDirectories(_root, "bad-init*"), Is.Empty);
    }

    [Test]
    public void Issue_RevokeCrl_OpenSslSeesRevocation()
    {
        var certificate = Path.Combine(_root, "alice.pem");
        var issue = PkiCli.Run(_data, "issue", "--bypass-ra", "test", "--profile", "staff-auth", "--csr", Csr("alice"), "--out", certificate);
        Assert.That(issue.ExitCode, Is.EqualTo(0), issue.ToString());
        var serial = Tools.OpenSsl("x509", "-in", certificate, "-noout", "-serial").StdOut.Trim()["serial=".Length..];

        var show = PkiCli.Run(_data, "show", serial);
        Assert.That(show.StdOut, Does.Contain("status:     valid").And.Contain("-----BEGIN CERTIFICATE-----"));
        Assert.That(PkiCli.Run(_data, "revoke", serial, "--reason", "keyCompromise").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(_data, "crl").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(_data, "list", "--status", "revoked").StdOut, Does.Contain(serial));

        var ca = Path.Combine(_data, "publish", "ca");
        var crl = Path.Combine(_root, "issuing.crl.pem");
        Tools.OpenSsl("crl", "-inform", "DER", "-in", Path.Combine(_data, "publish", "crl", "issuing.crl"), "-out", crl);
        var verify = Tools.OpenSsl("verify", "-crl_check", "-CAfile", Path.Combine(ca, "root.pem"), "-untrusted", Path.Combine(ca, "issuing.pem"), "-CRLfile", crl, certificate);
        Assert.That(verify.Output, Does.Contain("certificate revoked"), verify.ToString());

        AssertOneLineError(PkiCli.Run(_data, "revoke", serial, "--reason", "keyCompromise"), "already revoked");
        Assert.That(PkiCli.Run(_data, "audit", "verify").StdOut, Does.StartWith("audit trail intact"));
    }

    [Test]
    public void ServiceKey_CreateListDisable_CertificateRevokedAndAudited()
    {
        Assert.That(PkiCli.Run(_data, "service-key", "create", "--owner", "CN=Payroll System,O=HRSS", "--usage", "sign", "--subject", "CN=Payroll Signing,O=HRSS").StdErr,
            Does.Contain("not a registered business-system account"), "owners are accounts, never subject names");
        Assert.That(PkiCli.Run(_data, "account", "register", "system:payroll", "--name", "Payroll").StdOut, Does.Contain("registered system:payroll (system)"));
        var create = PkiCli.Run(_data, "service-key", "create", "--owner", "system:payroll", "--usage", "sign", "--subject", "CN=Payroll Signing,O=HRSS");
        Assert.That(create.ExitCode, Is.EqualTo(0), create.ToString());
        var label = System.Text.RegularExpressions.Regex.Match(create.StdOut, @"created (\S+) \(sign").Groups[1].Value;
        var certificate = Path.Combine(_root, "service-key.pem");
        File.WriteAllText(certificate, create.StdOut[create.StdOut.IndexOf("-----BEGIN", StringComparison.Ordinal)..]);
        var text = Tools.OpenSsl("x509", "-in", certificate, "-noout", "-ext", "keyUsage,extendedKeyUsage").StdOut;
        Assert.That(text, Does.Contain("Digital Signature, Non Repudiation").And.Contain("E-mail Protection"));

        Assert.That(PkiCli.Run(_data, "service-key", "list", "--owner", "system:payroll").StdOut, Does.Contain(label));
        Assert.That(PkiCli.Run(_data, "service-key", "disable", label).ExitCode, Is.EqualTo(0));

        Assert.That(PkiCli.Run(_data, "service-key", "list").StdOut, Does.Contain(label).And.Contain("disabled"));
        var serial = Tools.OpenSsl("x509", "-in", certificate, "-noout", "-serial").StdOut.Trim().Split('=')[1];
        Assert.That(PkiCli.Run(_data, "show", serial).StdOut, Does.Contain("status:     revoked").And.Contain("cessationOfOperation"));
        Assert.That(PkiCli.Run(_data, "audit", "list").StdOut, Does.Contain("service_key.created").And.Contain("service_key.disabled"));
        AssertOneLineError(PkiCli.Run(_data, "service-key", "disable", label), "already disabled");
    }

    [Test]
    public void ServiceKey_BadUsage_OneLineError() =>
        AssertOneLineError(PkiCli.Run(_data, "service-key", "create", "--owner", "CN=X,O=HRSS", "--usage", "encrypt", "--subject", "CN=X,O=HRSS"), "--usage must be sign or decrypt");

    [Test]
    public void Issue_ToStdout_PemOnly()
    {
        var run = PkiCli.Run(_data, "issue", "--bypass-ra", "test", "--profile", "staff-signing", "--csr", Csr("stdout-user"));
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdOut, Does.StartWith("-----BEGIN CERTIFICATE-----"));
    }

    [Test]
    public void Issue_UnknownProfile_OneLineNothingWritten()
    {
        var before = CountCertificates();
        AssertOneLineError(PkiCli.Run(_data, "issue", "--profile", "nope", "--csr", Csr("u1")), "unknown profile 'nope'; available:");
        Assert.That(CountCertificates(), Is.EqualTo(before));
    }

    [Test]
    public void Issue_MalformedCsr_OneLineNothingWritten()
    {
        var path = Path.Combine(_root, "garbage.csr");
        File.WriteAllText(path, "-----BEGIN CERTIFICATE REQUEST-----\nnot base64!\n-----END CERTIFICATE REQUEST-----\n");
        var before = CountCertificates();
        AssertOneLineError(PkiCli.Run(_data, "issue", "--bypass-ra", "test", "--profile", "staff-auth", "--csr", path), "not valid base64");
        Assert.That(CountCertificates(), Is.EqualTo(before));
    }

    [Test]
    public void Issue_SanOutsideProfile_OneLine() =>
        AssertOneLineError(PkiCli.Run(_data, "issue", "--bypass-ra", "test", "--profile", "staff-auth", "--csr", Csr("dnsuser", KeyAlgorithm.EcP256, "dns:x.example")), "subjectAltName of type dns is not allowed");

    [Test]
    public void Issue_OversizedCsr_RefusedBeforeReading()
    {
        var path = Path.Combine(_root, "huge.csr");
        File.WriteAllBytes(path, new byte[1 << 20]);
        AssertOneLineError(PkiCli.Run(_data, "issue", "--bypass-ra", "test", "--profile", "staff-auth", "--csr", path), "a CSR is at most");
    }

    [Test]
    public void Revoke_UnknownSerial_OneLine() =>
        AssertOneLineError(PkiCli.Run(_data, "revoke", "7F00FF", "--reason", "superseded"), "has issued no certificate with serial 7F00FF");

    [Test]
    public void Revoke_BadReason_OneLine() =>
        AssertOneLineError(PkiCli.Run(_data, "revoke", "7F00FF", "--reason", "stolen"), "unknown revocation reason 'stolen'");

    [Test]
    public void WrongPassphrase_OneLine() =>
        AssertOneLineError(PkiCli.Run(_data, new Dictionary<string, string> { ["PKI_PASSPHRASE"] = "not the passphrase" }, "list"), "wrong key-store passphrase");

    [Test]
    public void NotInitialised_OneLineSaysRunInit() =>
        AssertOneLineError(PkiCli.Run(Path.Combine(_root, "nothing-here"), "list"), "run 'pki init'");

    [TestCase(new[] { "officr", "list" }, "'officr'", "did you mean 'officer'?")]
    [TestCase(new[] { "issue", "--profile", "staff-auth", "--csr", "x.csr", "--format", "xyz" }, "xyz", "see 'pki issue --help'")]
    [TestCase(new[] { "list", "--stauts", "revoked" }, "--stauts", "did you mean '--status'?")]
    public void UnknownCommandOrOption_ExitTwo_OneLineWithASuggestion(string[] args, string names, string suggestion)
    {
        var run = PkiCli.Run(_data, args);
        Assert.That(run.ExitCode, Is.EqualTo(2), run.ToString());
        var lines = run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), run.ToString());
        Assert.That(lines[0], Does.StartWith("pki: error: ").And.Contain(names).And.Contain(suggestion));
        Assert.That(run.StdOut, Does.Not.Contain("Usage:"), "not the help");
    }

    [Test]
    public void Help_ListsCommands()
    {
        var run = PkiCli.Run(_data, "--help");
        Assert.That(run.StdOut, Does.Contain("init").And.Contain("issue").And.Contain("revoke").And.Contain("crl").And.Contain("audit").And.Contain("bench"));
    }

    [Test]
    public void AuditVerify_AfterTampering_ExitOneNamesEvent()
    {
        var data = Path.Combine(_root, "tamper");
        Assert.That(PkiCli.Run(data, "init", "--kdf-cost", "12").ExitCode, Is.EqualTo(0));
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "ca.db")};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_events SET actor = 'mallory' WHERE sequence = 2";
            command.ExecuteNonQuery();
        }

        var run = PkiCli.Run(data, "audit", "verify");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StdErr, Does.Contain("audit trail broken at event 2"));
    }

    /// <summary>Trust-model item 7: deleting the tail and rewriting the head row passes the chain check, not the signed checkpoint.</summary>
    [Test]
    public void AuditVerify_TailTruncatedAfterCheckpoint_Detected()
    {
        var data = Path.Combine(_root, "truncate");
        Assert.That(PkiCli.Run(data, "init", "--kdf-cost", "12").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(data, "key", "generate", "spare-t", "--algorithm", "ec-p256").ExitCode, Is.EqualTo(0));
        var written = PkiCli.Run(data, "audit", "checkpoint");
        Assert.That(written.StdOut, Does.StartWith("checkpoint of event"), written.ToString());
        var checkpoint = Path.Combine(data, "publish", "audit", "latest.checkpoint");
        Assert.That(PkiCli.Run(data, "audit", "verify").StdOut, Does.Contain("holds checkpoint"));
        var text = File.ReadAllText(checkpoint);
        var signed = long.Parse(System.Text.RegularExpressions.Regex.Match(text, @"sequence: (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(data, "ca.db")};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DELETE FROM audit_events WHERE sequence >= {signed - 1}; " +
                $"UPDATE audit_head SET sequence = {signed - 2}, hash = (SELECT hash FROM audit_events WHERE sequence = {signed - 2}) WHERE id = 1";
            command.ExecuteNonQuery();
        }

        var run = PkiCli.Run(data, "audit", "verify");
        Assert.That(run.StdOut, Does.StartWith("audit trail intact"), "the chain alone cannot see it");
        Assert.That(run.ExitCode, Is.EqualTo(1));
        Assert.That(run.StdErr, Does.Contain("events were deleted"));

        File.WriteAllText(checkpoint, text.Replace($"sequence: {signed}", $"sequence: {signed - 2}", StringComparison.Ordinal));
        var forged = PkiCli.Run(data, "audit", "verify");
        Assert.That((forged.ExitCode, forged.StdErr), Is.EqualTo((1, forged.StdErr)));
        Assert.That(forged.StdErr, Does.Contain("signature does not verify"));
    }

    /// <summary>Issue 10: CLI audit events name the operating-system user and, where given, --actor; never a constant.</summary>
    [Test]
    public void Audit_CliActor_IsTheOsUserAndTheGivenActor()
    {
        Assert.That(PkiCli.Run(_data, "--actor", "ticket OPS-42", "key", "generate", "actor-1", "--algorithm", "ec-p256").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(_data, "key", "destroy", "actor-1").ExitCode, Is.EqualTo(0));

        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "5").StdOut;

        Assert.That(audit, Does.Contain($"cli:{Environment.UserName} as ticket OPS-42"), audit);
        Assert.That(audit, Does.Contain($"cli:{Environment.UserName}"));
        Assert.That(PkiCli.Run(_data, "--actor", "a\u0007b", "crl").StdErr, Does.Contain("printable"));
        Assert.That(PkiCli.Run(_data, "--actor", new string('x', 200), "crl").StdErr, Does.Contain("--actor must be at most 128"));
    }

    /// <summary>Trust-model item 4: the allowed names given at init become critical name constraints of the issuing CA; openssl, certtool and zlint read them.</summary>
    [Test]
    public void Init_AllowedNames_IssuingCaCarriesNameConstraints()
    {
        var data = Path.Combine(_root, "constrained");
        var init = PkiCli.Run(data, "init", "--kdf-cost", "12", "--allowed-domains", "hrss.example,rs.gov.example", "--allowed-addresses", "10.12.3.4/16,fd00::/8");
        Assert.That(init.StdOut, Does.Contain("name constraints in the issuing CA: domains hrss.example, rs.gov.example"), init.ToString());
        var issuing = Path.Combine(data, "publish", "ca", "issuing.pem");

        var text = Tools.OpenSsl("x509", "-in", issuing, "-noout", "-text").StdOut;
        Assert.That(text, Does.Contain("X509v3 Name Constraints: critical"));
        Assert.That(text, Does.Contain("DNS:hrss.example").And.Contain("DNS:rs.gov.example").And.Contain("IP:10.12.0.0/255.255.0.0").And.Contain("IP:FD00:0:0:0:0:0:0:0/FF00:0:0:0:0:0:0:0"));
        Assert.That(Tools.ZlintErrors(issuing), Is.Empty);
        Assert.That(Tools.CertTool("-i", "--infile", issuing).StdOut, Does.Contain("Name Constraints (critical)"));

        var csr = Path.Combine(_root, "constrained.csr");
        File.WriteAllBytes(csr, TestCsr.Create(KeyAlgorithm.EcP256, "CN=portal.hrss.example,O=HRSS", "dns:portal.hrss.example", "ip:10.12.9.9").Der);
        var leaf = Path.Combine(_root, "constrained.pem");
        Assert.That(PkiCli.Run(data, "issue", "--bypass-ra", "test", "--profile", "server-tls", "--csr", csr, "--out", leaf).ExitCode, Is.EqualTo(0));
        var verify = Tools.OpenSsl("verify", "-x509_strict", "-CAfile", Path.Combine(data, "publish", "ca", "root.pem"), "-untrusted", issuing, leaf);
        Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{leaf}: OK"), verify.ToString());

        var plain = Tools.OpenSsl("x509", "-in", Path.Combine(_data, "publish", "ca", "issuing.pem"), "-noout", "-text").StdOut;
        Assert.That(plain, Does.Not.Contain("Name Constraints"), "without --allowed-* nothing is constrained");
    }

    [Test]
    public void Key_GenerateDestroy_Audited_CaKeyProtected()
    {
        var generate = PkiCli.Run(_data, "key", "generate", "spare-1", "--algorithm", "ec-p384");
        Assert.That(generate.StdOut, Does.Contain("generated spare-1 (ec-p384, software)").And.Contain("BEGIN PUBLIC KEY"), generate.ToString());
        Assert.That(PkiCli.Run(_data, "key", "list").StdOut, Does.Contain("spare-1"));
        Assert.That(PkiCli.Run(_data, "key", "destroy", "spare-1").ExitCode, Is.EqualTo(0));
        Assert.That(PkiCli.Run(_data, "key", "list").StdOut, Does.Not.Contain("spare-1"));
        var audit = PkiCli.Run(_data, "audit", "list", "--limit", "5").StdOut;
        Assert.That(audit, Does.Contain("key.generated").And.Contain("key.destroyed"));

        var caKey = PkiCli.Run(_data, "key", "list").StdOut.Split('\n').First(l => l.StartsWith("ca-issuing-", StringComparison.Ordinal)).Split(' ')[0];
        AssertOneLineError(PkiCli.Run(_data, "key", "destroy", caKey), "is the signing key of CA 'issuing'");
        AssertOneLineError(PkiCli.Run(_data, "key", "destroy", "never-there"), "no key labelled 'never-there'");
    }
}
