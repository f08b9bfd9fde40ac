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

    /// <summary>
    /// Opens a GM/T 0009 SM2EnvelopedKey with OpenSSL alone (pkeyutl for the SM2Cipher, enc -sm4-ecb for the private
    /// scalar, asn1parse -genconf to make it a key) and returns the recovered key's public key (PEM).
    /// </summary>
    private string OpenSm2Envelope(string envelope, string recipientKey, string prefix)
    {
        // SEQUENCE { sm4-ecb, SM2Cipher, BIT STRING public point, BIT STRING SM4(d) }: only split here, opened by openssl.
        var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(envelope)));
        File.WriteAllBytes(PathOf(prefix + "-cipher.der"), sequence[1].GetDerEncoded());
        File.WriteAllBytes(PathOf(prefix + "-private.bin"), DerBitString.GetInstance(sequence[3]).GetOctets());
        Ok(Tools.OpenSsl("pkeyutl", "-decrypt", "-inkey", recipientKey, "-in", PathOf(prefix + "-cipher.der"), "-out", PathOf(prefix + "-sm4.key")));
        var sm4 = File.ReadAllBytes(PathOf(prefix + "-sm4.key"));
        Assert.That(sm4, Has.Length.EqualTo(16));
        Ok(Tools.OpenSsl("enc", "-d", "-sm4-ecb", "-nopad", "-K", Convert.ToHexString(sm4), "-in", PathOf(prefix + "-private.bin"), "-out", PathOf(prefix + "-d.bin")));
        var d = File.ReadAllBytes(PathOf(prefix + "-d.bin"));
        Assert.That(d, Has.Length.EqualTo(32));
        File.WriteAllText(PathOf(prefix + ".conf"), $"asn1=SEQUENCE:ec\n[ec]\nversion=INTEGER:1\npriv=FORMAT:HEX,OCTETSTRING:{Convert.ToHexString(d)}\nparams=EXPLICIT:0,OID:1.2.156.10197.1.301\n");
        Ok(Tools.OpenSsl("asn1parse", "-genconf", PathOf(prefix + ".conf"), "-out", PathOf(prefix + "-key.der"), "-noout"));
        return Ok(Tools.OpenSsl("pkey", "-inform", "DER", "-in", PathOf(prefix + "-key.der"), "-pubout")).StdOut.Trim();
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
        var recoveredPublic = OpenSm2Envelope(envelope, key, "zhang");
        var certificatePublic = Ok(Tools.OpenSsl("x509", "-in", encryption, "-noout", "-pubkey")).StdOut;
        Assert.That(recoveredPublic, Is.EqualTo(certificatePublic.Trim()));

        // The envelope's public point is the certificate's too; the signing key is a different key.
        var point = DerBitString.GetInstance(Asn1Sequence.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(envelope)))[2]).GetOctets();
        var certified = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(File.ReadAllBytes(encryption)).CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetOctets();
        Assert.That(point, Is.EqualTo(certified));
        var signingPublic = Ok(Tools.OpenSsl("x509", "-in", signing, "-noout", "-pubkey")).StdOut;
        Assert.That(signingPublic, Is.Not.EqualTo(certificatePublic));
    }

    /// <summary>
    /// GM/T 0015 identity extensions: an identity card number and a social-insurance number requested in an OpenSSL-made
    /// CSR reach the signing certificate of staff-sm2-dual (which lists them) as PrintableStrings, not the encryption
    /// certificate, and not the audit trail; staff-dual (which does not) refuses them, as it does a mistyped number.
    /// </summary>
    [Test]
    public void Sm2Dual_IdentityExtensions_OnlyWhereTheProfileAllows_WellFormed_NotAudited()
    {
        var data = Init("sm2-id", "sm2");
        var key = PathOf("id.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key));
        string Csr(string name, string identity)
        {
            var csr = PathOf(name + ".csr");
            Ok(Tools.OpenSsl("req", "-new", "-key", key, "-sm3", "-sigopt", DistinguishingId, "-subj", "/CN=Wang Wu/O=HRSS", "-out", csr,
                "-addext", $"1.2.156.10260.4.1.1=ASN1:PRINTABLESTRING:{identity}", "-addext", "1.2.156.10260.4.1.2=ASN1:PRINTABLESTRING:11010519491231002X"));
            return csr;
        }

        Ok(PkiCli.Run(data, "issue", "--profile", "staff-sm2-dual", "--csr", Csr("good", "11010519491231002X"), "--out", PathOf("wang.pem"), "--bypass-ra", "identity test"));
        var signing = Ok(Tools.OpenSsl("x509", "-in", PathOf("wang.pem"), "-noout", "-text")).StdOut;
        Assert.That(signing, Does.Match(@"1\.2\.156\.10260\.4\.1\.1:\s*\n\s*\.\.11010519491231002X").And.Match(@"1\.2\.156\.10260\.4\.1\.2:\s*\n\s*\.\.11010519491231002X"), signing);
        var extension = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(File.ReadAllBytes(PathOf("wang.pem"))).GetExtensionValue(new DerObjectIdentifier("1.2.156.10260.4.1.1"));
        Assert.That(DerPrintableString.GetInstance(Asn1Object.FromByteArray(extension.GetOctets())).GetString(), Is.EqualTo("11010519491231002X"));
        Assert.That(Ok(Tools.OpenSsl("x509", "-in", PathOf("wang.encryption.pem"), "-noout", "-text")).StdOut, Does.Not.Contain("1.2.156.10260"), "the encryption certificate carries no personal data");
        Assert.That(PkiCli.Run(data, "audit", "list", "--limit", "100").StdOut, Does.Not.Contain("11010519491231002X"));

        var mistyped = PkiCli.Run(data, "issue", "--profile", "staff-sm2-dual", "--csr", Csr("typo", "110105194912310021"), "--out", PathOf("typo.pem"), "--bypass-ra", "identity test");
        Assert.That(mistyped.ExitCode, Is.Not.EqualTo(0));
        Assert.That(mistyped.StdErr, Does.Contain("check digit does not match").And.Not.Contain("110105194912310021"), mistyped.ToString());
        Assert.That(File.Exists(PathOf("typo.pem")), Is.False);

        var ecdsaData = Init("ec-id", "ec-p256");
        var ecKey = PathOf("ec-id.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ecKey));
        var ecCsr = PathOf("ec-id.csr");
        Ok(Tools.OpenSsl("req", "-new", "-key", ecKey, "-subj", "/CN=Wang Wu/O=HRSS", "-out", ecCsr, "-addext", "1.2.156.10260.4.1.1=ASN1:PRINTABLESTRING:11010519491231002X"));
        var refused = PkiCli.Run(ecdsaData, "issue", "--profile", "staff-dual", "--csr", ecCsr, "--out", PathOf("ec-id.pem"), "--bypass-ra", "identity test");
        Assert.That(refused.ExitCode, Is.Not.EqualTo(0));
        Assert.That(refused.StdErr, Does.Contain("does not carry the identity-card extension (personal data); remove it from the CSR"), refused.ToString());
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

    private static (string Path, string Password) Officer(string data, string staffId, string role)
    {
        var added = Ok(PkiCli.Run(data, "officer", "add", "--staff-id", staffId, "--name", $"Officer {staffId}", "--role", role));
        var match = System.Text.RegularExpressions.Regex.Match(added.StdOut, @"credential (\S+)\s+password: (\S+)");
        Assert.That(match.Success, Is.True, added.ToString());
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>
    /// GM/T 0034 recovery from the command line: the subscriber lost the USB key; a key-recovery officer opens the
    /// recovery for the new signing certificate; an RA officer cannot approve, the requester cannot, one approval
    /// releases nothing, a second distinct key-recovery officer releases the envelope, which openssl opens with the new key.
    /// </summary>
    [Test]
    public void Recovery_FromTheCli_TwoDistinctKeyRecoveryOfficers_ReleaseTheSameKeyToTheNewSigningKey()
    {
        var data = Init("recover", "sm2");
        var oldKey = PathOf("old.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", oldKey));
        Ok(Tools.OpenSsl("req", "-new", "-key", oldKey, "-sm3", "-sigopt", DistinguishingId, "-subj", "/CN=Zhao Liu/O=HRSS", "-out", PathOf("old.csr")));
        var issued = Ok(PkiCli.Run(data, "issue", "--profile", "staff-sm2-dual", "--csr", PathOf("old.csr"), "--out", PathOf("zhao.pem"), "--bypass-ra", "recovery test"));
        var serial = System.Text.RegularExpressions.Regex.Match(issued.StdOut, "issued encryption serial=([0-9A-F]+)").Groups[1].Value;
        // The new USB key: a new signing certificate for the same person.
        var newKey = PathOf("new.key");
        Ok(Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", newKey));
        Ok(Tools.OpenSsl("req", "-new", "-key", newKey, "-sm3", "-sigopt", DistinguishingId, "-subj", "/CN=Zhao Liu/O=HRSS", "-out", PathOf("new.csr")));
        Ok(PkiCli.Run(data, "issue", "--profile", "staff-signing", "--csr", PathOf("new.csr"), "--out", PathOf("zhao-new.pem"), "--bypass-ra", "new USB key"));

        var kr1 = Officer(data, "kr1", "KeyRecoveryOfficer");
        var kr2 = Officer(data, "kr2", "KeyRecoveryOfficer");
        var kr3 = Officer(data, "kr3", "KeyRecoveryOfficer");
        var raOfficer = Officer(data, "o9", "Officer");
        string[] As((string Path, string Password) o) => ["--as", o.Path, "--password", o.Password];

        var byRaOfficer = PkiCli.Run(data, ["kmc", "recovery", "request", "--serial", serial, "--kind", "subscriber", "--recipient", PathOf("zhao-new.pem"), .. As(raOfficer), "--reason", "lost"]);
        Assert.That(byRaOfficer.ExitCode, Is.Not.EqualTo(0));
        Assert.That(byRaOfficer.StdErr, Does.Contain("does not hold the KeyRecoveryOfficer role"));
        var opened = Ok(PkiCli.Run(data, ["kmc", "recovery", "request", "--serial", serial, "--kind", "subscriber", "--recipient", PathOf("zhao-new.pem"), .. As(kr1), "--reason", "USB key lost, ticket 7"]));
        var id = System.Text.RegularExpressions.Regex.Match(opened.StdOut, @"recovery (\d+) opened").Groups[1].Value;
        Assert.That(id, Is.Not.Empty, opened.ToString());

        var envelope = PathOf("recovered.envelope.der");
        Assert.That(PkiCli.Run(data, ["kmc", "recovery", "approve", id, .. As(kr1), "--reason", "mine", "--out", envelope]).StdErr, Does.Contain("cannot also approve"));
        Assert.That(PkiCli.Run(data, ["kmc", "recovery", "approve", id, .. As(raOfficer), "--reason", "ok", "--out", envelope]).StdErr, Does.Contain("KeyRecoveryOfficer"));
        Assert.That(Ok(PkiCli.Run(data, ["kmc", "recovery", "approve", id, .. As(kr2), "--reason", "identity checked", "--out", envelope])).StdOut, Does.Contain("approval 1 of 2").And.Contain("nothing released"));
        Assert.That(File.Exists(envelope), Is.False);
        Assert.That(PkiCli.Run(data, ["kmc", "recovery", "approve", id, .. As(kr2), "--reason", "again", "--out", envelope]).StdErr, Does.Contain("approved recovery"));
        Assert.That(Ok(PkiCli.Run(data, ["kmc", "recovery", "approve", id, .. As(kr3), "--reason", "ticket verified", "--out", envelope])).StdOut, Does.Contain("key released"));

        // openssl opens the released envelope with the NEW signing key: the same encryption key as the certificate's.
        Assert.That(OpenSm2Envelope(envelope, newKey, "recovered"), Is.EqualTo(Ok(Tools.OpenSsl("x509", "-in", PathOf("zhao.encryption.pem"), "-noout", "-pubkey")).StdOut.Trim()));
        var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(File.ReadAllBytes(envelope)));
        File.WriteAllBytes(PathOf("old-attempt.der"), sequence[1].GetDerEncoded());
        Assert.That(Tools.OpenSsl("pkeyutl", "-decrypt", "-inkey", oldKey, "-in", PathOf("old-attempt.der"), "-out", PathOf("old-attempt.key")).ExitCode, Is.Not.EqualTo(0), "only the new key opens it");
        Assert.That(Ok(PkiCli.Run(data, "audit", "verify")).StdOut, Does.Contain("intact"));
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
