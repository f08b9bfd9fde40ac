using System.Text.Json;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.Interop.Tests.Cli;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Certificates;

/// <summary>
/// Issue 13, "SM2 everywhere the platform signs", checked by an implementation other than BouncyCastle: a running
/// <c>pki up</c> on an SM2 CA chain; its certificates, CRL, OCSP response and TSA token are taken apart here (ASN.1 only)
/// and their SM3withSM2 signatures verified by the npm package sm-crypto with the default signer ID 1234567812345678.
/// OpenSSL 3.0 verifies SM2 certificate signatures only with <c>-vfyopt distid:…</c> (DualCertificateTests), not those of
/// OCSP responses or TSA tokens.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Sm2IndependentVerificationTests
{
    private string _root = "";
    private string _data = "";
    private int _plainPort;
    private int _raPort;
#pragma warning disable NUnit1032 // disposed in OneTimeTearDown
    private PkiUpProcess _up = null!;
#pragma warning restore NUnit1032

    private static string NodeDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node"));

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        if (ExternalTool.Find("node") is null || !Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "sm-crypto")))
        {
            Assert.Ignore("node and sm-crypto are not installed; ops/scripts/test.sh installs them");
        }

        _root = Directory.CreateTempSubdirectory("pki-sm2v-").FullName;
        _data = Path.Combine(_root, "data");
        _plainPort = FreePort.Next();
        Assert.That(PkiCli.Run(_data, "init", "--kdf-cost", "10", "--algorithm", "sm2", "--base-url", $"http://127.0.0.1:{_plainPort}").ExitCode, Is.EqualTo(0));
        _raPort = FreePort.Next();
        string Port(int p) => p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _up = PkiUpProcess.Start(_data, "--urls", $"http://127.0.0.1:{_plainPort}", "--ra-port", Port(_raPort), "--idp-port", Port(FreePort.Next()), "--idp-mtls-port", Port(FreePort.Next()));
        await _up.WaitForBannerAsync();
    }

    [OneTimeTearDown]
    public void OneTimeTearDown()
    {
        _up?.Dispose();
        if (_root.Length > 0)
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);

    private static string Line(string name, byte[] message, byte[] signature, SubjectPublicKeyInfo signer) =>
        JsonSerializer.Serialize(new { name, msg = Hex(message), sig = Hex(signature), pub = Hex(signer.PublicKey.GetOctets()) });

    [Test]
    public async Task CertificatesCrlOcspAndTsaToken_SignedWithSm3WithSm2_VerifyInSmCrypto()
    {
        var ca = Path.Combine(_data, "publish", "ca");
        var root = X509CertificateStructure.GetInstance(PemDer(File.ReadAllText(Path.Combine(ca, "root.pem"))));
        var issuing = X509CertificateStructure.GetInstance(PemDer(File.ReadAllText(Path.Combine(ca, "issuing.pem"))));
        Assert.That(issuing.SignatureAlgorithm.Algorithm.Id, Is.EqualTo("1.2.156.10197.1.501"));
        Assert.That(issuing.SignatureAlgorithm.Parameters, Is.Null, "GM/T 0015: parameters absent");

        // A leaf from an SM2 key made by OpenSSL (BouncyCastle accepts OpenSSL's SM2 CSR signature).
        var key = Path.Combine(_root, "leaf.key");
        Assert.That(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key).ExitCode, Is.EqualTo(0));
        var csr = Path.Combine(_root, "leaf.csr");
        Assert.That(Tools.OpenSsl("req", "-new", "-key", key, "-sm3", "-sigopt", "distid:1234567812345678", "-subj", "/CN=SM2 Leaf/O=HRSS", "-out", csr).ExitCode, Is.EqualTo(0));
        var leafPath = Path.Combine(_root, "leaf.pem");
        var issued = PkiCli.Run(_data, "issue", "--profile", "staff-signing", "--csr", csr, "--out", leafPath, "--bypass-ra", "sm2 verification test");
        Assert.That(issued.ExitCode, Is.EqualTo(0), issued.ToString());
        var leaf = X509CertificateStructure.GetInstance(PemDer(File.ReadAllText(leafPath)));

        using var http = new HttpClient();
        var crl = CertificateList.GetInstance(await http.GetByteArrayAsync($"http://127.0.0.1:{_plainPort}/crl/issuing.crl"));

        var ocspPath = Path.Combine(_root, "ocsp.der");
        var query = Tools.OpenSsl("ocsp", "-issuer", Path.Combine(ca, "issuing.pem"), "-cert", leafPath, "-url", $"http://127.0.0.1:{_plainPort}/ocsp", "-noverify", "-respout", ocspPath);
        Assert.That(query.StdOut, Does.Contain(": good"), query.ToString());
        var basic = BasicOcspResponse.GetInstance(Asn1Object.FromByteArray(OcspResponse.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(ocspPath))).ResponseBytes.Response.GetOctets()));
        var responder = X509CertificateStructure.GetInstance(basic.Certs[0]);

        // The TSA over HTTPS: the TLS certificate chains to the SM2 root, which curl (OpenSSL) cannot verify without a
        // signer ID, so the channel is not verified here; the token's signature is what this test checks.
        var tsq = Path.Combine(_root, "q.tsq");
        Tools.OpenSsl("ts", "-query", "-data", csr, "-sha256", "-cert", "-out", tsq);
        var tsr = Path.Combine(_root, "r.tsr");
        var stamped = ExternalTool.Run("curl", ["-sk", "-H", "Content-Type: application/timestamp-query", "--data-binary", "@" + tsq, "-o", tsr, "-w", "%{http_code}", $"https://127.0.0.1:{_raPort}/tsa"]);
        Assert.That(stamped.StdOut, Is.EqualTo("200"), stamped.ToString());
        var token = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Asn1Sequence.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(tsr)))[1]);
        var signed = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(token.Content);
        var signer = Org.BouncyCastle.Asn1.Cms.SignerInfo.GetInstance(signed.SignerInfos[0]);
        var tsaCertificate = X509CertificateStructure.GetInstance(signed.Certificates[0]);
        Assert.That(signer.SignatureAlgorithm.Algorithm.Id, Is.AnyOf("1.2.156.10197.1.501", "1.2.156.10197.1.301.1"));

        var lines = new[]
        {
            Line("root", root.TbsCertificate.GetDerEncoded(), root.Signature.GetOctets(), root.SubjectPublicKeyInfo),
            Line("issuing", issuing.TbsCertificate.GetDerEncoded(), issuing.Signature.GetOctets(), root.SubjectPublicKeyInfo),
            Line("leaf", leaf.TbsCertificate.GetDerEncoded(), leaf.Signature.GetOctets(), issuing.SubjectPublicKeyInfo),
            Line("crl", crl.TbsCertList.GetDerEncoded(), crl.Signature.GetOctets(), issuing.SubjectPublicKeyInfo),
            Line("responder", responder.TbsCertificate.GetDerEncoded(), responder.Signature.GetOctets(), issuing.SubjectPublicKeyInfo),
            Line("ocsp", basic.TbsResponseData.GetDerEncoded(), basic.Signature.GetOctets(), responder.SubjectPublicKeyInfo),
            Line("tsa-certificate", tsaCertificate.TbsCertificate.GetDerEncoded(), tsaCertificate.Signature.GetOctets(), issuing.SubjectPublicKeyInfo),
            Line("tsa-token", signer.SignedAttrs.GetDerEncoded(), signer.Signature.GetOctets(), tsaCertificate.SubjectPublicKeyInfo),
            // A control: the leaf's signature over the CRL's content must not verify.
            Line("tampered", crl.TbsCertList.GetDerEncoded(), leaf.Signature.GetOctets(), issuing.SubjectPublicKeyInfo),
        };
        var run = ExternalTool.Run("node", [Path.Combine(NodeDirectory, "sm2verify.js")], stdin: System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)), workingDirectory: NodeDirectory);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var verdicts = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0], l => l.Split(' ')[1]);
        foreach (var name in new[] { "root", "issuing", "leaf", "crl", "responder", "ocsp", "tsa-certificate", "tsa-token" })
        {
            Assert.That(verdicts[name], Is.EqualTo("ok"), $"{name}: {run}");
        }

        Assert.That(verdicts["tampered"], Is.EqualTo("bad"));
    }

    private static byte[] PemDer(string pem) =>
        Convert.FromBase64String(Regex.Replace(pem, "-----[^-]+-----|\\s", ""));
}
