using System.Text;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>
/// CMS sign / verify / encrypt / decrypt against `openssl cms`, with status from the real OCSP responder
/// the certificates' AIA names.
/// </summary>
[NonParallelizable]
public sealed class CmsInteropTests
{
    private static readonly byte[] Document = Encoding.UTF8.GetBytes("养老保险待遇核定表 2026-11\r\nPension award notice, HRSS\r\n");

    private CmsTestPlatform _platform = null!;
    private string _documentPath = "";
    private string _openssl = "";

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _openssl = ExternalTool.Require("openssl");
        _platform = await CmsTestPlatform.StartAsync();
        _documentPath = _platform.Pki.WriteFile("document.txt", Document);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }
    }

    private string Write(string name, byte[] content) => _platform.Pki.WriteFile(name, content);

    private string Out(string name) => Path.Combine(_platform.Pki.Directory, name);

    [Test]
    public async Task SignAsync_Attached_OpenSslCmsVerifyAccepts()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);
        var signed = Write("attached.p7m", await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false));

        var run = ExternalTool.Run(_openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", signed, "-CAfile", _platform.Pki.RootPemPath, "-purpose", "smimesign", "-out", Out("attached.out"));

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(run.StdErr, Does.Contain("Verification successful"));
        Assert.That(File.ReadAllBytes(Out("attached.out")), Is.EqualTo(Document));
        var attributes = ExternalTool.Run(_openssl, "cms", "-cmsout", "-print", "-inform", "DER", "-in", signed).StdOut;
        Assert.That(attributes, Does.Contain("id-smime-aa-signingCertificateV2").And.Contain("signingTime"));
    }

    [Test]
    public async Task SignAsync_DetachedWithTimestamp_OpenSslVerifiesAndOurVerifierReportsTheTimestamp()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, KeyAlgorithm.Rsa2048);
        var der = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: true, timestamp: true);
        var signed = Write("detached.p7s", der);

        var run = ExternalTool.Run(_openssl, "cms", "-verify", "-binary", "-inform", "DER", "-in", signed, "-content", _documentPath, "-CAfile", _platform.Pki.RootPemPath, "-out", "/dev/null");
        var report = await _platform.Verifier.VerifyAsync(der, Document);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(report.Valid, Is.True, string.Join("; ", report.Signers.SelectMany(s => s.Reasons)) + report.Signers[0].Timestamp);
        Assert.That(report.Signers[0].Timestamp, Is.Not.Null);
        Assert.That(report.Signers[0].Timestamp!.Valid, Is.True, report.Signers[0].Timestamp!.Reason);
        Assert.That(report.Signers[0].RevocationSource, Does.StartWith("OCSP http://127.0.0.1"));
    }

    [TestCase(KeyAlgorithm.Sm2)]
    [TestCase(KeyAlgorithm.EcP384)]
    [TestCase(KeyAlgorithm.Rsa3072)]
    public async Task SignAsync_OtherKeyTypes_OurVerifierAccepts(KeyAlgorithm algorithm)
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, algorithm);
        var der = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false);

        var report = await _platform.Verifier.VerifyAsync(der);

        Assert.That(report.Valid, Is.True, string.Join("; ", report.Signers.SelectMany(s => s.Reasons)));
    }

    /// <summary>
    /// GM/T 0010 signedData with an SM2 key: openssl asn1parse (a parser nobody here wrote) shows the GM/T 0010 content
    /// types, SM3 and SM2-1 and version 1; the signature value, taken out of the SignerInfo, verifies with
    /// `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` over the content alone; our verifier
    /// accepts it (attached, and detached with a timestamp) and refuses altered content. An ECDSA key is refused for
    /// this format with the reason, as is an unknown format.
    /// </summary>
    [Test]
    public async Task SignAsync_GmT0010_Sm2_OpenSslParsesAndVerifiesTheSignature_OurVerifierAccepts()
    {
        var (key, certificatePath) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, KeyAlgorithm.Sm2);
        var der = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false, format: GmSignedData.Format);
        var signed = Write("gm.p7m", der);

        var parsed = ExternalTool.Run(_openssl, "asn1parse", "-inform", "DER", "-in", signed);
        Assert.That(parsed.ExitCode, Is.EqualTo(0), parsed.ToString());
        Assert.That(parsed.StdOut, Does.Match(@"OBJECT\s+:1\.2\.156\.10197\.6\.1\.4\.2\.2").And.Match(@"OBJECT\s+:1\.2\.156\.10197\.6\.1\.4\.2\.1")
            .And.Match(@"OBJECT\s+:sm3").And.Match(@"OBJECT\s+:(1\.2\.156\.10197\.1\.301\.1|sm2sign)"), parsed.StdOut);
        Assert.That(parsed.StdOut, Does.Not.Contain("pkcs7-signedData").And.Not.Contain(":pkcs7-data"));
        Assert.That(System.Text.RegularExpressions.Regex.Count(parsed.StdOut, @"INTEGER\s+:01"), Is.GreaterThanOrEqualTo(2), "SignedData and SignerInfo version 1");

        var signerInfo = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(der).Content).SignerInfos[0];
        var signature = Write("gm.sig", Org.BouncyCastle.Asn1.Cms.SignerInfo.GetInstance(signerInfo).Signature.GetOctets());
        var publicKey = Out("gm-signer.pub");
        File.WriteAllText(publicKey, ExternalTool.Run(_openssl, "x509", "-in", certificatePath, "-noout", "-pubkey").StdOut);
        var verified = ExternalTool.Run(_openssl, "pkeyutl", "-verify", "-rawin", "-digest", "sm3", "-pubin", "-inkey", publicKey, "-in", _documentPath, "-sigfile", signature,
            "-pkeyopt", "distid:1234567812345678");
        Assert.That(verified.StdOut, Does.Contain("Signature Verified Successfully"), verified.ToString());

        var report = await _platform.Verifier.VerifyAsync(der);
        Assert.That(report.Valid, Is.True, string.Join("; ", report.Signers.SelectMany(s => s.Reasons)));
        Assert.That(report.Content, Is.EqualTo(Document));
        var tampered = (byte[])der.Clone();
        tampered[tampered.AsSpan().IndexOf("Pension award"u8)] ^= 0x20;
        Assert.That((await _platform.Verifier.VerifyAsync(tampered)).Valid, Is.False);

        var detached = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: true, timestamp: true, format: GmSignedData.Format);
        var stamped = await _platform.Verifier.VerifyAsync(detached, Document);
        Assert.That(stamped.Valid, Is.True, string.Join("; ", stamped.Signers.SelectMany(s => s.Reasons)));
        Assert.That(stamped.Signers[0].Timestamp?.Valid, Is.True, stamped.Signers[0].Timestamp?.Reason);

        var (ecdsa, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);
        var refused = Assert.ThrowsAsync<PkiException>(() => _platform.Signer.SignAsync(CmsTestPlatform.Owner, ecdsa.KeyLabel, Document, false, false, GmSignedData.Format))!;
        Assert.That(refused.Message, Does.Contain("signs with SM2 keys only"));
        var unknown = Assert.ThrowsAsync<PkiException>(() => _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, false, false, "pkcs7"))!;
        Assert.That(unknown.Message, Does.Contain("use rfc5652"));
    }

    /// <summary>Bad input to the opener: GM/T 0010 envelopes with an empty encrypted key, no IV, no content, or SM2 aimed at an RSA key: each a 4xx-coded refusal, never an unhandled exception.</summary>
    [Test]
    public async Task DecryptAsync_MalformedGmT0010Envelopes_RefusedWithReasons()
    {
        var (sm2Key, sm2Certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Sm2);
        var (rsaKey, rsaCertificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Rsa2048);
        var parser = new X509CertificateParser();
        var der = CmsEnvelopeWriter.Encrypt(Document, [parser.ReadCertificate(File.ReadAllBytes(sm2Certificate))], "gmt0010");
        var info = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(der));
        var data = Org.BouncyCastle.Asn1.Cms.EnvelopedData.GetInstance(info.Content);
        var transport = (Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo)Org.BouncyCastle.Asn1.Cms.RecipientInfo.GetInstance(data.RecipientInfos[0]).Info;
        byte[] With(Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo recipient, Org.BouncyCastle.Asn1.Cms.EncryptedContentInfo content) =>
            new Org.BouncyCastle.Asn1.Cms.ContentInfo(info.ContentType, new Org.BouncyCastle.Asn1.Cms.EnvelopedData(null,
                new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.Cms.RecipientInfo(recipient)), content, (Org.BouncyCastle.Asn1.Asn1Set?)null)).GetDerEncoded();

        var emptyKey = With(new Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo(transport.RecipientIdentifier, transport.KeyEncryptionAlgorithm, new Org.BouncyCastle.Asn1.DerOctetString(Array.Empty<byte>())), data.EncryptedContentInfo);
        var noIv = With(transport, new Org.BouncyCastle.Asn1.Cms.EncryptedContentInfo(data.EncryptedContentInfo.ContentType,
            new Org.BouncyCastle.Asn1.X509.AlgorithmIdentifier(GmEnvelopedData.Sm4Cbc), data.EncryptedContentInfo.EncryptedContent));
        var noContent = new Org.BouncyCastle.Asn1.Cms.ContentInfo(info.ContentType, null).GetDerEncoded();
        var rsa = parser.ReadCertificate(File.ReadAllBytes(rsaCertificate));
        var sm2ForRsa = With(new Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo(
            new Org.BouncyCastle.Asn1.Cms.RecipientIdentifier(new Org.BouncyCastle.Asn1.Cms.IssuerAndSerialNumber(rsa.CertificateStructure.Issuer, rsa.CertificateStructure.SerialNumber)),
            transport.KeyEncryptionAlgorithm, transport.EncryptedKey), data.EncryptedContentInfo);

        foreach (var (envelope, label, code, says) in new[]
        {
            (emptyKey, sm2Key.KeyLabel, TokenErrorCodes.CmsMalformed, "does not decrypt"),
            (noIv, sm2Key.KeyLabel, TokenErrorCodes.CmsMalformed, "carries no IV"),
            (noContent, sm2Key.KeyLabel, TokenErrorCodes.CmsMalformed, "no EnvelopedData"),
            (sm2ForRsa, rsaKey.KeyLabel, TokenErrorCodes.CmsUnsupportedAlgorithm, "is SM2, but key"),
        })
        {
            var error = Assert.ThrowsAsync<PkiException>(() => _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, label, envelope));
            Assert.That(error!.Code, Is.EqualTo(code), error.Message);
            Assert.That(error.Message, Does.Contain(says));
        }
    }

    /// <summary>Bad input: a GM/T 0010 SignerInfo with authenticated attributes (GM/T 0010 allows them; this verifier reads the content-signing form only) is refused with the reason, not misread.</summary>
    [Test]
    public async Task VerifyAsync_GmT0010WithAuthenticatedAttributes_RefusedWithReason()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign, KeyAlgorithm.Sm2);
        var der = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false, format: GmSignedData.Format);
        var info = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(der);
        var data = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(info.Content);
        var signer = Org.BouncyCastle.Asn1.Cms.SignerInfo.GetInstance(data.SignerInfos[0]);
        var attributes = new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.Cms.Attribute(Org.BouncyCastle.Asn1.Cms.CmsAttributes.ContentType, new Org.BouncyCastle.Asn1.DerSet(GmSignedData.DataType)));
        var withAttributes = new Org.BouncyCastle.Asn1.Cms.SignerInfo(signer.SignerID, signer.DigestAlgorithm, attributes, signer.SignatureAlgorithm, signer.Signature, (Org.BouncyCastle.Asn1.Asn1Set?)null);
        var rebuilt = new Org.BouncyCastle.Asn1.DerSequence(Org.BouncyCastle.Asn1.DerInteger.One, data.DigestAlgorithms, data.EncapContentInfo,
            new Org.BouncyCastle.Asn1.DerTaggedObject(false, 0, data.Certificates), new Org.BouncyCastle.Asn1.DerSet(withAttributes));
        var altered = new Org.BouncyCastle.Asn1.Cms.ContentInfo(info.ContentType, rebuilt).GetDerEncoded();

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyAsync(altered));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsMalformed));
        Assert.That(error.Message, Does.Contain("authenticated attributes is not supported"));
    }

    [TestCase(KeyAlgorithm.Rsa2048, new[] { "-keyopt", "rsa_padding_mode:pss" })]
    [TestCase(KeyAlgorithm.Rsa2048, new[] { "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:32" })]
    [TestCase(KeyAlgorithm.Rsa2048, new[] { "-noattr" })]
    [TestCase(KeyAlgorithm.EcP384, new[] { "-md", "sha384" })]
    [TestCase(KeyAlgorithm.EcP256, new[] { "-noattr", "-md", "sha512" })]
    public async Task VerifyAsync_OpenSslSignedVariants_Valid(KeyAlgorithm algorithm, string[] options)
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", $"CN=Variant {algorithm} {options.Length},O=HRSS", ["email:variant@hrss.example"], algorithm);
        var signed = Out($"variant-{algorithm}-{string.Join("", options).GetHashCode(StringComparison.Ordinal):x}.p7m");
        var run = ExternalTool.Run(_openssl, ["cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath,
            "-outform", "DER", "-out", signed, .. options]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(signed));
        var tampered = File.ReadAllBytes(signed);
        var at = tampered.AsSpan().IndexOf("Pension award"u8);
        tampered[at] ^= 0x20;
        var broken = await _platform.Verifier.VerifyAsync(tampered);

        Assert.That(report.Valid, Is.True, string.Join("; ", report.Signers.SelectMany(s => s.Reasons)));
        Assert.That(broken.Valid, Is.False);
        Assert.That(broken.Signers.Single().Reasons[0], Does.Contain("altered"));
    }

    [Test]
    public async Task VerifyAsync_OpenSslSigned_Valid()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Li Si,O=HRSS", ["email:lisi@hrss.example"]);
        var signed = Out("openssl-signed.p7m");
        var run = ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath,
            "-certfile", _platform.Pki.IssuingPemPath, "-md", "sha256", "-outform", "DER", "-out", signed);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(signed));

        Assert.That(report.Valid, Is.True, string.Join("; ", report.Signers.SelectMany(s => s.Reasons)) + report.Signers[0].Timestamp);
        Assert.That(report.Content, Is.EqualTo(Document));
        Assert.That(report.Signers.Single().Subject, Does.Contain("CN=Li Si"));
        Assert.That(report.Signers.Single().Reasons, Has.Some.Contains("not revoked (OCSP"));
    }

    [Test]
    public async Task VerifyRawAsync_OpenSslDgstSignature_ValidAndTamperedInvalid()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Zhao Liu,O=HRSS", ["email:zhaoliu@hrss.example"]);
        var signature = Out("raw.sig");
        var run = ExternalTool.Run(_openssl, "dgst", "-sha256", "-sign", leaf.KeyPath, "-out", signature, _documentPath);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var good = await _platform.Verifier.VerifyRawAsync(Document, File.ReadAllBytes(signature), leaf.Der, "SHA256withECDSA");
        var bad = await _platform.Verifier.VerifyRawAsync([.. Document, 0x20], File.ReadAllBytes(signature), leaf.Der, "SHA256withECDSA");

        Assert.That(good.Valid, Is.True, string.Join("; ", good.Signers.SelectMany(s => s.Reasons)));
        Assert.That(bad.Valid, Is.False);
        Assert.That(bad.Signers.Single().Reasons[0], Does.Contain("does not match the data"));
    }

    [Test]
    public async Task VerifyAsync_TamperedContent_InvalidContentAltered()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Wang Wu,O=HRSS", ["email:wangwu@hrss.example"]);
        var signed = Out("openssl-detached.p7s");
        ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath, "-outform", "DER", "-out", signed);
        var tampered = (byte[])Document.Clone();
        tampered[^3] ^= 0x01;

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(signed), tampered);

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers.Single().Verdict, Is.EqualTo(SignerVerdict.InvalidVerdict));
        Assert.That(report.Signers.Single().Reasons[0], Does.Contain("content was altered"));
    }

    [Test]
    public async Task VerifyAsync_ExpiredSigner_InvalidExpired()
    {
        // A one-day document-signing certificate, verified three days on (the PKI's expired leaf is a TLS client certificate, not a signer).
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Short Lived,O=HRSS", ["email:short@hrss.example"], validityDays: 1);
        var signed = Out("expired.p7m");
        ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath, "-outform", "DER", "-out", signed);
        var later = _platform.NewVerifier([_platform.Root], clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(_platform.Pki.Clock.GetUtcNow().AddDays(3)));

        var report = await later.VerifyAsync(File.ReadAllBytes(signed));

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers.Single().Reasons[0], Does.Contain("expired"));
    }

    [Test]
    public async Task VerifyAsync_RevokedSigner_InvalidWithDateAndReason()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Revoked Signer,O=HRSS", ["email:revoked@hrss.example"]);
        await _platform.Pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, null, "test");
        var signed = Out("revoked.p7m");
        ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath, "-outform", "DER", "-out", signed);

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(signed));

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers.Single().Reasons[0], Does.Match(@"^signer certificate revoked on \d{4}-\d\d-\d\d \d\d:\d\d UTC, reason keyCompromise \(OCSP http://127\.0\.0\.1"));
    }

    [Test]
    public async Task VerifyAsync_RevokedAfterACachedGood_SeenOnceTheCacheAgePasses()
    {
        var leaf = await _platform.Pki.IssueAsync("staff-signing", "CN=Later Revoked,O=HRSS", ["email:later@hrss.example"]);
        var signed = Out("later-revoked.p7m");
        ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath, "-outform", "DER", "-out", signed);
        // Its own clock: moving the shared PKI's clock would shift every later certificate's validity.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var verifier = _platform.NewVerifier([_platform.Root], clock: clock);
        Assert.That((await verifier.VerifyAsync(File.ReadAllBytes(signed))).Valid, Is.True);

        await _platform.Pki.Ca.Revocations.RevokeAsync(leaf.Serial, RevocationReason.KeyCompromise, null, "test");
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the responder's status poll (1 s in tests)
        var stillCached = await verifier.VerifyAsync(File.ReadAllBytes(signed));
        clock.Advance(TimeSpan.FromMinutes(6));
        var refreshed = await verifier.VerifyAsync(File.ReadAllBytes(signed));

        Assert.That(stillCached.Valid, Is.True, "within the 5-minute cache age the cached answer stands");
        Assert.That(refreshed.Valid, Is.False);
        Assert.That(refreshed.Signers.Single().Reasons[0], Does.Contain("revoked").And.Contain("keyCompromise"));
    }

    [Test]
    public async Task VerifyAsync_OtherAnchor_InvalidNoPath()
    {
        await using var other = await TestPki.CreateAsync();
        var leaf = await other.IssueAsync("staff-signing", "CN=Stranger,O=Elsewhere", ["email:s@elsewhere.example"]);
        var signed = Out("stranger.p7m");
        ExternalTool.Run(_openssl, "cms", "-sign", "-binary", "-nodetach", "-in", _documentPath, "-signer", leaf.CertificatePath, "-inkey", leaf.KeyPath,
            "-certfile", other.IssuingPemPath, "-outform", "DER", "-out", signed);

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(signed));

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers.Single().Reasons[0], Does.Contain("trust anchor"));
    }

    [TestCase(KeyAlgorithm.Rsa2048)]
    [TestCase(KeyAlgorithm.EcP256)]
    public async Task Encrypt_OpenSslCmsDecryptOpensIt(KeyAlgorithm algorithm)
    {
        var recipient = await _platform.Pki.IssueAsync("staff-encryption", $"CN=Recipient {algorithm},O=HRSS", key: algorithm);
        var envelope = Write($"envelope-{algorithm}.p7m", CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(recipient.Der)]));

        var run = ExternalTool.Run(_openssl, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", envelope, "-recip", recipient.CertificatePath, "-inkey", recipient.KeyPath, "-out", Out($"opened-{algorithm}.txt"));

        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(File.ReadAllBytes(Out($"opened-{algorithm}.txt")), Is.EqualTo(Document));
    }

    [Test]
    public async Task Encrypt_TwoRecipients_EachOpensItWithOpenSsl()
    {
        var rsa = await _platform.Pki.IssueAsync("staff-encryption", "CN=First Recipient,O=HRSS", key: KeyAlgorithm.Rsa3072);
        var ec = await _platform.Pki.IssueAsync("staff-encryption", "CN=Second Recipient,O=HRSS", key: KeyAlgorithm.EcP384);
        var parser = new X509CertificateParser();
        var envelope = Write("two-recipients.p7m", CmsEnvelopeWriter.Encrypt(Document, [parser.ReadCertificate(rsa.Der), parser.ReadCertificate(ec.Der)]));

        foreach (var recipient in new[] { rsa, ec })
        {
            var opened = Out($"two-{recipient.Serial}.txt");
            var run = ExternalTool.Run(_openssl, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", envelope, "-recip", recipient.CertificatePath, "-inkey", recipient.KeyPath, "-out", opened);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            Assert.That(File.ReadAllBytes(opened), Is.EqualTo(Document));
        }
    }

    [TestCase(KeyAlgorithm.Rsa2048, new[] { "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256" })]
    [TestCase(KeyAlgorithm.EcP256, new[] { "-keyopt", "ecdh_kdf_md:sha256" })]
    [TestCase(KeyAlgorithm.EcP384, new string[0])]
    public async Task DecryptAsync_OpenSslEnvelope_Opened(KeyAlgorithm algorithm, string[] options)
    {
        var (key, certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, algorithm);
        var envelope = Out($"openssl-envelope-{algorithm}.p7m");
        var run = ExternalTool.Run(_openssl, ["cms", "-encrypt", "-binary", "-aes256", "-in", _documentPath, "-outform", "DER", "-out", envelope, "-recip", certificate, .. options]);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var opened = await _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, null, File.ReadAllBytes(envelope));

        Assert.That(opened, Is.EqualTo(Document));
    }

    [Test]
    public async Task DecryptAsync_RsaPkcs1v15Envelope_RefusedWithHowToFix()
    {
        var (key, certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Rsa2048);
        var envelope = Out("pkcs1.p7m");
        ExternalTool.Run(_openssl, "cms", "-encrypt", "-binary", "-aes256", "-in", _documentPath, "-outform", "DER", "-out", envelope, certificate);

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, key.KeyLabel, File.ReadAllBytes(envelope)));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsUnsupportedAlgorithm));
        Assert.That(error.Message, Does.Contain("rsa_padding_mode:oaep"));
    }

    [Test]
    public async Task DecryptAsync_NotARecipient_Refused()
    {
        await _platform.Pki.Ca.Accounts.RegisterAsync("system:lonely", "Lonely System", "test");
        await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.EcP256, owner: "system:lonely");
        var stranger = await _platform.Pki.IssueAsync("staff-encryption", "CN=Somebody Else,O=HRSS", key: KeyAlgorithm.EcP256);
        var envelope = CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(stranger.Der)]);

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Opener.DecryptAsync("system:lonely", null, envelope));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsNotRecipient));
    }

    [Test]
    public async Task SignAsync_KeyOfAnotherSystem_Forbidden()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Signer.SignAsync("CN=Intruder,O=HRSS", key.KeyLabel, Document, false, false));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.ServiceKeyForbidden));
    }

    [Test]
    public async Task VerifyAsync_DetachedWithoutContent_SaysToSendIt()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);
        var detached = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: true, timestamp: false);
        var attached = await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false);

        var missing = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyAsync(detached));
        var twice = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyAsync(attached, Document));

        Assert.That((missing!.Code, twice!.Code), Is.EqualTo((TokenErrorCodes.CmsContentMissing, TokenErrorCodes.CmsWrongContentType)));
        Assert.That(missing.Message, Does.Contain("send the signed content"));
    }

    [Test]
    public async Task VerifyAsync_TwoSignersOneForeign_InvalidOverallWithPerSignerVerdicts()
    {
        var (key, _) = await _platform.CreateKeyAsync(ServiceKeyUsage.Sign);
        var ours = Write("ours.p7m", await _platform.Signer.SignAsync(CmsTestPlatform.Owner, key.KeyLabel, Document, detached: false, timestamp: false));
        await using var other = await TestPki.CreateAsync();
        var stranger = await other.IssueAsync("staff-signing", "CN=Second Signer,O=Elsewhere", ["email:second@elsewhere.example"]);
        var both = Out("two-signers.p7m");
        // openssl cms -resign adds a signer to an existing SignedData.
        var run = ExternalTool.Run(_openssl, "cms", "-resign", "-binary", "-inform", "DER", "-in", ours, "-signer", stranger.CertificatePath, "-inkey", stranger.KeyPath,
            "-outform", "DER", "-out", both);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());

        var report = await _platform.Verifier.VerifyAsync(File.ReadAllBytes(both));

        Assert.That(report.Valid, Is.False);
        Assert.That(report.Signers.Select(s => s.Verdict), Is.EquivalentTo(new[] { SignerVerdict.ValidVerdict, SignerVerdict.InvalidVerdict }));
        Assert.That(report.Signers.Single(s => s.Verdict == SignerVerdict.InvalidVerdict).Reasons[0], Does.Contain("trust anchor"));
        Assert.That(report.Signers.Single(s => s.Verdict == SignerVerdict.ValidVerdict).Subject, Does.Contain("Pension System"));
    }

    [Test]
    public async Task Encrypt_SigningOnlyOrSm2Recipient_RefusedWithReason()
    {
        var signing = await _platform.Pki.IssueAsync("staff-signing", "CN=Signer Only,O=HRSS", ["email:signer@hrss.example"], KeyAlgorithm.Rsa2048);
        var sm2 = await _platform.Pki.IssueAsync("staff-encryption", "CN=Sm2 Recipient,O=HRSS", key: KeyAlgorithm.Sm2);

        var wrongUsage = Assert.Throws<PkiException>(() => CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(signing.Der)]));
        var unsupported = Assert.Throws<PkiException>(() => CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(sm2.Der)]));

        Assert.That(wrongUsage!.Message, Does.Contain("lacks keyEncipherment"));
        Assert.That(unsupported!.Code, Is.EqualTo(TokenErrorCodes.CmsUnsupportedAlgorithm));
        Assert.That(unsupported.Message, Does.Contain("use format gmt0010"));
        var rsaInGm = Assert.Throws<PkiException>(() => CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(signing.Der)], "gmt0010"));
        Assert.That(rsaInGm!.Message, Does.Contain("SM2 keys only"));
        Assert.That(Assert.Throws<PkiException>(() => CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(sm2.Der)], "gmssl"))!.Message, Does.Contain("not offered"));
    }

    [Test]
    public async Task Encrypt_Gmt0010_OpenSslRecoversTheSm4KeyAndDecryptsTheContent()
    {
        var recipient = await _platform.Pki.IssueAsync("staff-encryption", "CN=Sm2 Envelope Recipient,O=HRSS", key: KeyAlgorithm.Sm2);
        var der = CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(recipient.Der)], "gmt0010");
        var envelope = Write("gmt0010-envelope.der", der);
        Assert.That(ExternalTool.Run(_openssl, "asn1parse", "-inform", "DER", "-in", envelope).ExitCode, Is.Zero);

        // The structure: GM/T 0010 OIDs throughout.
        var info = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(der));
        Assert.That(info.ContentType.Id, Is.EqualTo("1.2.156.10197.6.1.4.2.3"));
        var data = Org.BouncyCastle.Asn1.Cms.EnvelopedData.GetInstance(info.Content);
        Assert.That(data.Version.IntValueExact, Is.Zero);
        var transport = (Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo)Org.BouncyCastle.Asn1.Cms.RecipientInfo.GetInstance(data.RecipientInfos[0]).Info;
        Assert.That(transport.KeyEncryptionAlgorithm.Algorithm.Id, Is.EqualTo("1.2.156.10197.1.301.3"));
        Assert.That(data.EncryptedContentInfo.ContentType.Id, Is.EqualTo("1.2.156.10197.6.1.4.2.1"));
        var cipher = data.EncryptedContentInfo.ContentEncryptionAlgorithm;
        Assert.That(cipher.Algorithm.Id, Is.EqualTo("1.2.156.10197.1.104.2"));

        // OpenSSL opens the SM2Cipher with the recipient's key, then the SM4-CBC content with the key it recovered.
        var encryptedKey = Write("gmt0010-key.der", transport.EncryptedKey.GetOctets());
        var content = Write("gmt0010-content.bin", data.EncryptedContentInfo.EncryptedContent.GetOctets());
        var run = ExternalTool.Run(_openssl, "pkeyutl", "-decrypt", "-inkey", recipient.KeyPath, "-in", encryptedKey, "-out", Out("gmt0010-sm4.key"));
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        var sm4 = File.ReadAllBytes(Out("gmt0010-sm4.key"));
        Assert.That(sm4, Has.Length.EqualTo(16));
        var iv = Org.BouncyCastle.Asn1.Asn1OctetString.GetInstance(cipher.Parameters).GetOctets();
        run = ExternalTool.Run(_openssl, "enc", "-d", "-sm4-cbc", "-K", Convert.ToHexString(sm4), "-iv", Convert.ToHexString(iv), "-in", content, "-out", Out("gmt0010-opened.txt"));
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(File.ReadAllBytes(Out("gmt0010-opened.txt")), Is.EqualTo(Document));
    }

    [Test]
    public async Task DecryptAsync_Gmt0010Envelope_OpenedWithTheServicesSm2Key_AlteredKeyRefused()
    {
        var (key, certificate) = await _platform.CreateKeyAsync(ServiceKeyUsage.Decrypt, KeyAlgorithm.Sm2);
        var recipient = new X509CertificateParser().ReadCertificate(File.ReadAllBytes(certificate));
        var der = CmsEnvelopeWriter.Encrypt(Document, [recipient], "gmt0010");

        Assert.That(await _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, key.KeyLabel, der), Is.EqualTo(Document));

        // The SM2Cipher's C3 (SM3 check value) no longer matches: refused, nothing returned.
        var info = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(der));
        var data = Org.BouncyCastle.Asn1.Cms.EnvelopedData.GetInstance(info.Content);
        var transport = (Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo)Org.BouncyCastle.Asn1.Cms.RecipientInfo.GetInstance(data.RecipientInfos[0]).Info;
        var cipher = Org.BouncyCastle.Asn1.Asn1Sequence.GetInstance(transport.EncryptedKey.GetOctets());
        var c2 = Org.BouncyCastle.Asn1.Asn1OctetString.GetInstance(cipher[3]).GetOctets();
        c2[0] ^= 1;
        var altered = new Org.BouncyCastle.Asn1.DerSequence(cipher[0], cipher[1], cipher[2], new Org.BouncyCastle.Asn1.DerOctetString(c2));
        var tampered = new Org.BouncyCastle.Asn1.Cms.ContentInfo(info.ContentType, new Org.BouncyCastle.Asn1.Cms.EnvelopedData(null,
            new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.Cms.RecipientInfo(new Org.BouncyCastle.Asn1.Cms.KeyTransRecipientInfo(transport.RecipientIdentifier, transport.KeyEncryptionAlgorithm,
                new Org.BouncyCastle.Asn1.DerOctetString(altered.GetDerEncoded())))),
            data.EncryptedContentInfo, (Org.BouncyCastle.Asn1.Asn1Set?)null)).GetDerEncoded();
        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Opener.DecryptAsync(CmsTestPlatform.Owner, key.KeyLabel, tampered));
        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsMalformed));
        Assert.That(error.Message, Does.Contain("does not decrypt"));
    }

    [Test]
    public void VerifyAsync_NotDer_MalformedWithReason()
    {
        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyAsync("not a signature"u8.ToArray()));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsMalformed));
        Assert.That(error.Message, Does.Contain("ContentInfo"));
    }

    [Test]
    public async Task VerifyAsync_EnvelopedData_WrongContentType()
    {
        var recipient = await _platform.Pki.IssueAsync("staff-encryption", "CN=Recipient,O=HRSS", key: KeyAlgorithm.Rsa2048);
        var envelope = CmsEnvelopeWriter.Encrypt(Document, [new X509CertificateParser().ReadCertificate(recipient.Der)]);

        var error = Assert.ThrowsAsync<PkiException>(() => _platform.Verifier.VerifyAsync(envelope));

        Assert.That(error!.Code, Is.EqualTo(TokenErrorCodes.CmsWrongContentType));
        Assert.That(error.Message, Does.Contain("got EnvelopedData"));
    }
}
