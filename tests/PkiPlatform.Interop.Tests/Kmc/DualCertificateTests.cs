using Org.BouncyCastle.Asn1;
using PkiPlatform.Interop.Tests.Cli;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Kmc;

/// <summary>
/// Issue 13: dual certificates with the encryption key from the key management centre, issued by <c>pki issue</c> and
/// checked with OpenSSL alone: both certificates verify (SM3withSM2 with distid 1234567812345678), the envelope opens
/// with <c>openssl pkeyutl -decrypt</c> (SM2Cipher) and <c>openssl enc -sm4-ecb</c> (GM/T 0009) or <c>openssl cms
/// -decrypt</c> (CMS), and the recovered private key is the encryption certificate's.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DualCertificateTests
{
    private const string DistinguishingId = "distid:1234567812345678";
    private string _root = null!;

    [OneTimeSetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("pki-dual-").FullName;

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    private string PathOf(string name) => Path.Combine(_root, name);

    private static ExternalTool.Result Ok(ExternalTool.Result run)
    {
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        return run;
    }

    private string Init(string name, string algorithm)
    {
        var data = PathOf(name);
        Ok(PkiCli.Run(data, "init", "--kdf-cost", "10", "--algorithm", algorithm));
        return data;
    }

    [Test]
    public void Sm2Dual_BothCertificatesVerify_AndTheEnvelopeOpensWithOpenSsl()
    {
        var data = Init("sm2", "sm2");
        var key = PathOf("sign.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key));
        var csr = PathOf("sign.csr");
        Ok(Tools.OpenSsl("req", "-new", "-key", key, "-sm3", "-sigopt", DistinguishingId, "-subj", "/CN=Zhang San/O=HRSS", "-out", csr));

        var issued = Ok(PkiCli.Run(data, "issue", "--profile", "staff-sm2-dual", "--csr", csr, "--out", PathOf("zhang.pem"), "--bypass-ra", "dual test"));
        Assert.That(issued.StdOut, Does.Contain("issued signing serial=").And.Contain("issued encryption serial=").And.Contain("gmt0009-sm2-enveloped-key"));
        var signing = PathOf("zhang.pem");
        var encryption = PathOf("zhang.encryption.pem");
        var envelope = PathOf("zhang.envelope.der");

        // Both verify under the SM2 issuing CA (OpenSSL, not BouncyCastle). OpenSSL 3.0 applies -vfyopt to the target
        // certificate only, so each link is verified on its own (Sm2InteropTests checks the issuing CA under the root).
        var issuing = Path.Combine(data, "publish", "ca", "issuing.pem");
        foreach (var certificate in new[] { signing, encryption })
        {
            var verify = Tools.OpenSsl("verify", "-partial_chain", "-vfyopt", DistinguishingId, "-CAfile", issuing, certificate);
            Assert.That(verify.StdOut.Trim(), Is.EqualTo($"{certificate}: OK"), verify.ToString());
        }

        // GM/T 0015 key usages and the signature algorithm.
        var signingText = Ok(Tools.OpenSsl("x509", "-in", signing, "-noout", "-text")).StdOut;
        var encryptionText = Ok(Tools.OpenSsl("x509", "-in", encryption, "-noout", "-text")).StdOut;
        Assert.That(signingText, Does.Contain("Signature Algorithm: SM2-with-SM3").And.Contain("Digital Signature, Non Repudiation"));
        Assert.That(encryptionText, Does.Contain("Signature Algorithm: SM2-with-SM3").And.Contain("Key Encipherment, Data Encipherment, Key Agreement"));
        Assert.That(encryptionText, Does.Contain("ASN1 OID: SM2"));

        // The envelope: SEQUENCE { sm4-ecb, SM2Cipher, BIT STRING public point, BIT STRING SM4(d) }.
        var parsed = Ok(Tools.OpenSsl("asn1parse", "-inform", "DER", "-in", envelope)).StdOut;
        Assert.That(parsed, Does.Contain(":sm4-ecb"), parsed);
        var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(envelope)));
        File.WriteAllBytes(PathOf("sm2cipher.der"), sequence[1].GetDerEncoded());
        File.WriteAllBytes(PathOf("encrypted-private.bin"), DerBitString.GetInstance(sequence[3]).GetOctets());

        // openssl pkeyutl opens the SM2Cipher with the applicant's signing key: the SM4 key.
        Ok(Tools.OpenSsl("pkeyutl", "-decrypt", "-inkey", key, "-in", PathOf("sm2cipher.der"), "-out", PathOf("sm4.key")));
        var sm4 = File.ReadAllBytes(PathOf("sm4.key"));
        Assert.That(sm4, Has.Length.EqualTo(16));

        // openssl enc -sm4-ecb decrypts the private scalar.
        Ok(Tools.OpenSsl("enc", "-d", "-sm4-ecb", "-nopad", "-K", Convert.ToHexString(sm4), "-in", PathOf("encrypted-private.bin"), "-out", PathOf("d.bin")));
        var d = File.ReadAllBytes(PathOf("d.bin"));
        Assert.That(d, Has.Length.EqualTo(32));

        // The scalar as an SEC1 key (built by openssl asn1parse), its public key compared with the certificate's.
        File.WriteAllText(PathOf("ec.conf"), $"asn1=SEQUENCE:ec\n[ec]\nversion=INTEGER:1\npriv=FORMAT:HEX,OCTETSTRING:{Convert.ToHexString(d)}\nparams=EXPLICIT:0,OID:1.2.156.10197.1.301\n");
        Ok(Tools.OpenSsl("asn1parse", "-genconf", PathOf("ec.conf"), "-out", PathOf("recovered.der"), "-noout"));
        var recoveredPublic = Ok(Tools.OpenSsl("pkey", "-inform", "DER", "-in", PathOf("recovered.der"), "-pubout")).StdOut;
        var certificatePublic = Ok(Tools.OpenSsl("x509", "-in", encryption, "-noout", "-pubkey")).StdOut;
        Assert.That(recoveredPublic.Trim(), Is.EqualTo(certificatePublic.Trim()));

        // The envelope's public point is the certificate's too; the signing key is a different key.
        var signingPublic = Ok(Tools.OpenSsl("x509", "-in", signing, "-noout", "-pubkey")).StdOut;
        Assert.That(signingPublic, Is.Not.EqualTo(certificatePublic));
    }

    [Test]
    public void EcdsaDual_TheCmsEnvelopeOpensWithOpensslCms_AndHoldsTheEncryptionKey()
    {
        var data = Init("ec", "ec-p256");
        var key = PathOf("ec-sign.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key));
        var csr = PathOf("ec-sign.csr");
        Ok(Tools.OpenSsl("req", "-new", "-key", key, "-subj", "/CN=Li Si/O=HRSS", "-out", csr));
        var issued = Ok(PkiCli.Run(data, "issue", "--profile", "staff-dual", "--csr", csr, "--out", PathOf("lisi.pem"), "--bypass-ra", "dual test"));
        Assert.That(issued.StdOut, Does.Contain("cms-enveloped-data"));

        var opened = PathOf("lisi-key.der");
        Ok(Tools.OpenSsl("cms", "-decrypt", "-inform", "DER", "-in", PathOf("lisi.envelope.der"), "-recip", PathOf("lisi.pem"), "-inkey", key, "-out", opened));
        var recoveredPublic = Ok(Tools.OpenSsl("pkey", "-inform", "DER", "-in", opened, "-pubout")).StdOut;
        var certificatePublic = Ok(Tools.OpenSsl("x509", "-in", PathOf("lisi.encryption.pem"), "-noout", "-pubkey")).StdOut;
        Assert.That(recoveredPublic.Trim(), Is.EqualTo(certificatePublic.Trim()));
        Assert.That(Ok(Tools.OpenSsl("x509", "-in", PathOf("lisi.encryption.pem"), "-noout", "-text")).StdOut, Does.Contain("Key Agreement"));
        Assert.That(Tools.ZlintErrors(PathOf("lisi.encryption.pem")), Is.Empty);
        Assert.That(Tools.ZlintErrors(PathOf("lisi.pem")), Is.Empty);
    }

    [Test]
    public void TheEncryptionProfileAlone_AndADualProfileWithoutOut_AreRefused()
    {
        var data = Init("refuse", "ec-p256");
        var key = PathOf("r.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key));
        var csr = PathOf("r.csr");
        Ok(Tools.OpenSsl("req", "-new", "-key", key, "-subj", "/CN=Wang Wu/O=HRSS", "-out", csr));

        var alone = PkiCli.Run(data, "issue", "--profile", "staff-dual-encryption", "--csr", csr, "--bypass-ra", "try");
        Assert.That(alone.ExitCode, Is.Not.EqualTo(0));
        Assert.That(alone.StdErr, Does.Contain("only for keys the key management centre generated"));
        var noOut = PkiCli.Run(data, "issue", "--profile", "staff-dual", "--csr", csr, "--bypass-ra", "try");
        Assert.That(noOut.ExitCode, Is.Not.EqualTo(0));
        Assert.That(noOut.StdErr, Does.Contain("--out"));
        var list = PkiCli.Run(data, "list");
        Assert.That(list.StdOut, Does.Not.Contain("Wang Wu"), "nothing issued");
    }
}
