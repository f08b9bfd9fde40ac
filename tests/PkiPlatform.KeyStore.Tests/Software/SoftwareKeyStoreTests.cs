using PkiPlatform.KeyStore.Software;

namespace PkiPlatform.KeyStore.Tests.Software;

public sealed class SoftwareKeyStoreTests
{
    private string _directory = "";

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("pki-ks-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private SoftwareKeyStore Open(string passphrase = "correct horse battery staple") =>
        new(new SoftwareKeyStoreOptions { Directory = _directory, Passphrase = passphrase, ScryptLog2N = 10 });

    [TestCase(KeyAlgorithm.EcP256, SignatureAlgorithm.EcdsaSha256)]
    [TestCase(KeyAlgorithm.EcP384, SignatureAlgorithm.EcdsaSha384)]
    [TestCase(KeyAlgorithm.Rsa2048, SignatureAlgorithm.RsaPkcs1Sha256)]
    [TestCase(KeyAlgorithm.Rsa2048, SignatureAlgorithm.RsaPssSha256)]
    [TestCase(KeyAlgorithm.Rsa3072, SignatureAlgorithm.RsaPkcs1Sha384)]
    [TestCase(KeyAlgorithm.Sm2, SignatureAlgorithm.Sm3WithSm2)]
    public void Sign_EachAlgorithm_VerifiesIndependently(KeyAlgorithm algorithm, SignatureAlgorithm signature)
    {
        using var store = Open();
        var info = store.Generate("key-1", algorithm);
        var data = "the quick brown fox"u8.ToArray();

        var signed = KeyVerification.Sign(store.GetSigner("key-1"), signature, data);

        Assert.That(KeyVerification.Verify(info, signature, data, signed), Is.True);
        Assert.That(KeyVerification.Verify(info, signature, [.. data, 0x00], signed), Is.False);
    }

    [Test]
    public void Generate_Rsa4096_ReportsAlgorithmAndPublicKey()
    {
        using var store = Open();
        var info = store.Generate("big", KeyAlgorithm.Rsa4096);
        using var rsa = System.Security.Cryptography.RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(info.SubjectPublicKeyInfo, out _);
        Assert.That((info.Algorithm, rsa.KeySize, info.Backend), Is.EqualTo((KeyAlgorithm.Rsa4096, 4096, "software")));
    }

    [Test]
    public void Reopen_SamePassphrase_KeysSurviveAndSign()
    {
        KeyInfo info;
        using (var store = Open())
        {
            info = store.Generate("persisted", KeyAlgorithm.EcP256);
        }

        using var reopened = Open();
        var signature = KeyVerification.Sign(reopened.GetSigner("persisted"), SignatureAlgorithm.EcdsaSha256, [1, 2, 3]);
        Assert.That(KeyVerification.Verify(info, SignatureAlgorithm.EcdsaSha256, [1, 2, 3], signature), Is.True);
        Assert.That(reopened.List().Select(k => k.Label), Is.EqualTo(new[] { "persisted" }));
    }

    [Test]
    public void Open_WrongPassphrase_ClearError()
    {
        using (var store = Open())
        {
            store.Generate("k", KeyAlgorithm.EcP256);
        }

        var error = Assert.Throws<PkiException>(() => Open("wrong passphrase"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.WrongPassphrase));
        Assert.That(error.Message, Does.Contain("wrong key-store passphrase"));
    }

    [Test]
    public void KeyFile_AtRest_HoldsNoPlaintextKey()
    {
        using var store = Open();
        store.Generate("secret", KeyAlgorithm.EcP256);
        var text = File.ReadAllText(Path.Combine(_directory, "secret.key.json"));
        Assert.That(text, Does.Contain("\"kdf\": \"scrypt\"").And.Contain("\"log2N\": 10").And.Contain("\"ciphertext\""));
        Assert.That(text, Does.Not.Contain("PRIVATE KEY"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(Path.Combine(_directory, "secret.key.json")), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public void KeyFile_AlgorithmEdited_RefusedAsTampered()
    {
        using (var store = Open())
        {
            store.Generate("k", KeyAlgorithm.EcP256);
        }

        var path = Path.Combine(_directory, "k.key.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"ec-p256\"", "\"ec-p384\"", StringComparison.Ordinal));
        using var reopened = Open();
        var error = Assert.Throws<PkiException>(() => reopened.GetSigner("k"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.WrongPassphrase));
    }

    [Test]
    public void Generate_TakenLabel_Refused()
    {
        using var store = Open();
        store.Generate("dup", KeyAlgorithm.EcP256);
        var error = Assert.Throws<PkiException>(() => store.Generate("dup", KeyAlgorithm.EcP256))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.KeyExists));
    }

    [TestCase("../escape")]
    [TestCase("")]
    [TestCase("has space")]
    public void Generate_UnsafeLabel_Refused(string label)
    {
        using var store = Open();
        var error = Assert.Throws<PkiException>(() => store.Generate(label, KeyAlgorithm.EcP256))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.InvalidLabel));
    }

    [Test]
    public void Destroy_RemovesKey_ThenMissingKeyIsClearError()
    {
        using var store = Open();
        store.Generate("gone", KeyAlgorithm.EcP256);
        store.GetSigner("gone");
        store.Destroy("gone");
        var error = Assert.Throws<PkiException>(() => store.GetSigner("gone"))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.KeyNotFound));
        Assert.That(Directory.GetFiles(_directory, "gone*"), Is.Empty);
    }

    [Test]
    public void Sign_AlgorithmNotForKey_Refused()
    {
        using var store = Open();
        store.Generate("ec", KeyAlgorithm.EcP256);
        var error = Assert.Throws<PkiException>(() => store.GetSigner("ec").BeginSign(SignatureAlgorithm.RsaPkcs1Sha256))!;
        Assert.That(error.Code, Is.EqualTo(PkiErrorCodes.UnsupportedAlgorithm));
    }
}
