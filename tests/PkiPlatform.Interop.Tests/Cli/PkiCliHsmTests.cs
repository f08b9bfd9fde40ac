using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>`pki init --key-store pkcs11`: CA keys generated on a SoftHSM2 token, certificates signed by C_Sign.</summary>
[NonParallelizable]
public sealed class PkiCliHsmTests
{
    [Test]
    public void Init_OnSoftHsm_IssuesCertificateOpenSslVerifies()
    {
        var hsm = SoftHsmToken.Shared;
        var root = Directory.CreateTempSubdirectory("pki-cli-hsm-").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            var pinFile = Path.Combine(root, "pin");
            File.WriteAllText(pinFile, hsm.Pin);
            var env = new Dictionary<string, string>(hsm.Environment);

            var init = PkiCli.Run(data, env, "init", "--key-store", "pkcs11", "--pkcs11-token", hsm.Label, "--pkcs11-pin-file", pinFile, "--algorithm", "ec-p384", "--allowed-domains", "hrss.example");
            Assert.That(init.ExitCode, Is.EqualTo(0), init.ToString());
            Assert.That(File.Exists(Path.Combine(data, "passphrase")), Is.False, "an HSM store needs no passphrase");

            var csr = Path.Combine(root, "server.csr");
            File.WriteAllBytes(csr, TestCsr.Create(KeyAlgorithm.Rsa2048, "CN=hsm.hrss.example,O=HRSS", "dns:hsm.hrss.example").Der);
            var certificate = Path.Combine(root, "server.pem");
            var issue = PkiCli.Run(data, env, "issue", "--bypass-ra", "test", "--profile", "server-tls", "--csr", csr, "--out", certificate);
            Assert.That(issue.ExitCode, Is.EqualTo(0), issue.ToString());

            var ca = Path.Combine(data, "publish", "ca");
            var verify = Tools.OpenSsl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", Path.Combine(ca, "root.pem"), "-untrusted", Path.Combine(ca, "issuing.pem"), certificate);
            Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{certificate}: OK"), verify.ToString());

            var wrongPin = PkiCli.Run(data, new Dictionary<string, string>(env) { ["PKI_HSM_PIN"] = "9999" }, "list");
            Assert.That((wrongPin.ExitCode, wrongPin.StdErr.Trim()), Is.EqualTo((2, $"pki: error: wrong PIN for token '{hsm.Label}'")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
