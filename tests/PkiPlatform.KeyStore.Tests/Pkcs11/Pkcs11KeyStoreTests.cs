using PkiPlatform.KeyStore.Pkcs11;
using PkiPlatform.TestKit;

namespace PkiPlatform.KeyStore.Tests.Pkcs11;

/// <summary>Against a real SoftHSM2 token (one token directory per test run).</summary>
[NonParallelizable]
public sealed class Pkcs11KeyStoreTests
{
    private static Pkcs11KeyStore Open(string? pin = null, string? token = null)
    {
        var hsm = SoftHsmToken.Shared;
        return new Pkcs11KeyStore(new Pkcs11KeyStoreOptions { ModulePath = SoftHsmToken.ModulePath, TokenLabel = token ?? hsm.Label, Pin = pin ?? hsm.Pin });
    }

    private static string NewLabel() => "t-" + Guid.NewGuid().ToString("N")[..12];

    [TestCase(KeyAlgorithm.EcP256, SignatureAlgorithm.EcdsaSha256)]
    [TestCase(KeyAlgorithm.EcP384, SignatureAlgorithm.EcdsaSha384)]
    [TestCase(KeyAlgorithm.Rsa2048, SignatureAlgorithm.RsaPkcs1Sha256)]
    [TestCase(KeyAlgorithm.Rsa2048, SignatureAlgorithm.RsaPssSha256)]
    public void Sign_OnToken_VerifiesIndependently(KeyAlgorithm algorithm, SignatureAlgorithm signature)
    {
        using var store = Open();
        var label = NewLabel();
        var info = store.Generate(label, algorithm);
        var data = System.Text.Encoding.UTF8.GetBytes("signed inside the token " + label);

        var signed = KeyVerification.Sign(store.GetSigner(label), signature, data);

        Assert.That(info.Backend, Is.EqualTo("pkcs11"));
        Assert.That(KeyVerification.Verify(info, signature, data, signed), Is.True);
        Assert.That(KeyVerification.Verify(info, signature, [.. data, 1], signed), Is.False);
    }

    /// <summary>SoftHSM2 2.6 implements CKM_RSA_PKCS_OAEP with SHA-1 only (OAEP's security does not rest on collision resistance).</summary>
    [Test]
    public void DecryptOaep_DecryptionKeyOnToken_OpensWhatDotNetEncrypted()
    {
        using var store = Open();
        var label = NewLabel();
        var info = store.Generate(label, KeyAlgorithm.Rsa2048, KeyPurpose.Decryption);
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(info.SubjectPublicKeyInfo, out _);
        var cek = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        var opened = store.GetDecrypter(label).DecryptOaep(rsa.Encrypt(cek, System.Security.Cryptography.RSAEncryptionPadding.OaepSHA1), System.Security.Cryptography.HashAlgorithmName.SHA1);
        var sha256 = Assert.Throws<PkiException>(() =>
            store.GetDecrypter(label).DecryptOaep(rsa.Encrypt(cek, System.Security.Cryptography.RSAEncryptionPadding.OaepSHA256), System.Security.Cryptography.HashAlgorithmName.SHA256));

        Assert.That(opened, Is.EqualTo(cek));
        Assert.That(sha256!.Message, Does.Contain("SHA-1 only"), "a token limit is named, not reported as a failure");
    }

    [TestCase(KeyAlgorithm.EcP256)]
    [TestCase(KeyAlgorithm.EcP384)]
    public void AgreeEcdh_DecryptionKeyOnToken_SameSecretAsPeer(KeyAlgorithm algorithm)
    {
        using var store = Open();
        var label = NewLabel();
        var info = store.Generate(label, algorithm, KeyPurpose.Decryption);
        using var ours = System.Security.Cryptography.ECDiffieHellman.Create();
        ours.ImportSubjectPublicKeyInfo(info.SubjectPublicKeyInfo, out _);
        using var peer = System.Security.Cryptography.ECDiffieHellman.Create(ours.ExportParameters(false).Curve);

        var onToken = store.GetDecrypter(label).AgreeEcdh(peer.ExportSubjectPublicKeyInfo());

        Assert.That(onToken, Is.EqualTo(peer.DeriveRawSecretAgreement(ours.PublicKey)));
    }

    [Test]
    public void DecryptOaep_SigningOnlyKey_RefusedWithReason()
    {
        using var store = Open();
        var label = NewLabel();
        store.Generate(label, KeyAlgorithm.Rsa2048);

        var error = Assert.Throws<PkiException>(() => store.GetDecrypter(label).DecryptOaep(new byte[256], System.Security.Cryptography.HashAlgorithmName.SHA1));

        Assert.That(error!.Message, Does.Contain("generated for signing only"), error.ToString());
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.UnsupportedAlgorithm));
    }

    [Test]
    public void Generate_Key_IsSensitiveAndNotExtractable()
    {
        using var store = Open();
        var label = NewLabel();
        store.Generate(label, KeyAlgorithm.EcP256);
        var tool = ExternalTool.Find("pkcs11-tool");
        if (tool is null)
        {
            Assert.Ignore("pkcs11-tool (opensc) is not installed");
        }

        var listing = ExternalTool.Run(tool, ["--module", SoftHsmToken.ModulePath, "--token-label", SoftHsmToken.Shared.Label, "--login", "--pin", SoftHsmToken.Shared.Pin, "--list-objects", "--type", "privkey", "--label", label],
            environment: SoftHsmToken.Shared.Environment);
        Assert.That(listing.Output, Does.Contain("sensitive").And.Contain("never extractable"), listing.ToString());
    }

    [Test]
    public void Reopen_KeyFoundByLabel_ListsIt()
    {
        var label = NewLabel();
        using (var store = Open())
        {
            store.Generate(label, KeyAlgorithm.Rsa2048);
        }

        using var reopened = Open();
        Assert.That(reopened.Get(label).Algorithm, Is.EqualTo(KeyAlgorithm.Rsa2048));
        Assert.That(reopened.List().Select(k => k.Label), Does.Contain(label));
    }

    [Test]
    public void Open_WrongPin_ClearError()
    {
        _ = SoftHsmToken.Shared; // skips (not fails) where SoftHSM2 is missing
        var error = Assert.Throws<PkiException>(() => Open(pin: "0000"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.WrongPin));
        Assert.That(error.Message, Does.Contain("wrong PIN"));
    }

    [Test]
    public void Open_MissingToken_NamesTokensPresent()
    {
        _ = SoftHsmToken.Shared;
        var error = Assert.Throws<PkiException>(() => Open(token: "no-such-token"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.TokenNotFound));
        Assert.That(error.Message, Does.Contain("no-such-token").And.Contain(SoftHsmToken.Shared.Label));
    }

    [Test]
    public void Open_MissingModule_ClearError()
    {
        var error = Assert.Throws<PkiException>(() => new Pkcs11KeyStore(new Pkcs11KeyStoreOptions { ModulePath = "/nonexistent/libpkcs11.so", TokenLabel = "x", Pin = "1" }))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.ModuleNotFound));
    }

    [Test]
    public void GetSigner_MissingKey_ClearError()
    {
        using var store = Open();
        var error = Assert.Throws<PkiException>(() => store.GetSigner("never-generated"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.KeyNotFound));
    }

    [Test]
    public void Generate_Sm2_RefusedWithReason()
    {
        using var store = Open();
        var error = Assert.Throws<PkiException>(() => store.Generate(NewLabel(), KeyAlgorithm.Sm2))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.UnsupportedAlgorithm));
        Assert.That(error.Message, Does.Contain("SM2"));
    }

    [Test]
    public void Destroy_RemovesBothHalves()
    {
        using var store = Open();
        var label = NewLabel();
        store.Generate(label, KeyAlgorithm.EcP256);
        store.Destroy(label);
        Assert.That(Assert.Throws<PkiException>(() => store.Get(label))!.Code, Is.EqualTo(PkiErrorCodes.KeyNotFound));
    }

    /// <summary>Issue 13 (pki enroll): an encryption key from the KMC goes onto the token by C_UnwrapKey and works there as a decryption key.</summary>
    [TestCase("nistP256")]
    [TestCase("nistP384")]
    public void ImportPrivateKey_Ec_UnwrappedOntoToken_DerivesTheSameSecret_AndIsNotListedAsSigner(string curveName)
    {
        using var store = Open();
        var label = NewLabel();
        using var key = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.CreateFromFriendlyName(curveName));
        var info = store.ImportPrivateKey(label, key.ExportPkcs8PrivateKey(), KeyPurpose.Decryption);
        using var peer = System.Security.Cryptography.ECDiffieHellman.Create(key.ExportParameters(false).Curve);

        Assert.That(info.SubjectPublicKeyInfo, Is.EqualTo(key.ExportSubjectPublicKeyInfo()));
        Assert.That(store.Get(label).SubjectPublicKeyInfo, Is.EqualTo(key.ExportSubjectPublicKeyInfo()), "the public half is on the token too");
        Assert.That(store.GetDecrypter(label).AgreeEcdh(peer.ExportSubjectPublicKeyInfo()), Is.EqualTo(peer.DeriveRawSecretAgreement(key.PublicKey)));
        var taken = Assert.Throws<PkiException>(() => store.ImportPrivateKey(label, key.ExportPkcs8PrivateKey(), KeyPurpose.Decryption));
        Assert.That(taken!.Code, Is.EqualTo(PkiErrorCodes.KeyExists));
    }

    [Test]
    public void ImportPrivateKey_Rsa_DecryptsOaepSha1()
    {
        using var store = Open();
        var label = NewLabel();
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        store.ImportPrivateKey(label, rsa.ExportPkcs8PrivateKey(), KeyPurpose.Decryption);
        var cek = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

        var opened = store.GetDecrypter(label).DecryptOaep(rsa.Encrypt(cek, System.Security.Cryptography.RSAEncryptionPadding.OaepSHA1), System.Security.Cryptography.HashAlgorithmName.SHA1);

        Assert.That(opened, Is.EqualTo(cek));
    }

    [Test]
    public void ImportPrivateKey_Sm2_RefusedWithReason()
    {
        using var store = Open();
        var generator = new Org.BouncyCastle.Crypto.Generators.ECKeyPairGenerator();
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.ECKeyGenerationParameters(Org.BouncyCastle.Asn1.GM.GMObjectIdentifiers.sm2p256v1, new Org.BouncyCastle.Security.SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var pkcs8 = Org.BouncyCastle.Pkcs.PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private).GetDerEncoded();

        var error = Assert.Throws<PkiException>(() => store.ImportPrivateKey(NewLabel(), pkcs8, KeyPurpose.Decryption));

        Assert.That(error!.Message, Does.Contain("SM2 keys stay in files"), error.ToString());
    }

    [Test]
    public void StoreCertificate_BesideItsKey_SecondTimeRefused()
    {
        using var store = Open();
        var label = NewLabel();
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=" + label, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        store.StoreCertificate(label, certificate.RawData);
        var again = Assert.Throws<PkiException>(() => store.StoreCertificate(label, certificate.RawData));

        Assert.That(again!.Code, Is.EqualTo(PkiErrorCodes.KeyExists));
        var tool = ExternalTool.Find("pkcs11-tool");
        if (tool is not null)
        {
            var listing = ExternalTool.Run(tool, ["--module", SoftHsmToken.ModulePath, "--token-label", SoftHsmToken.Shared.Label, "--list-objects", "--type", "cert", "--label", label], environment: SoftHsmToken.Shared.Environment);
            Assert.That(listing.Output, Does.Contain("CN=" + label), listing.ToString());
        }
    }
}
