using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Tests.Profiles;

public sealed class ProfileLoaderTests
{
    private const string Valid = """
        {
          "name": "custom",
          "keyAlgorithms": ["ec-p256"],
          "maxValidityDays": 30,
          "subject": { "required": ["CN"], "allowed": ["O"] },
          "keyUsage": { "rsa": ["digitalSignature"], "ec": ["digitalSignature"] },
          "extendedKeyUsage": ["clientAuth"]
        }
        """;

    [Test]
    public void Defaults_AllProfilesLoad()
    {
        var names = ProfileCatalog.Defaults().All.Select(p => p.Name).Order();
        Assert.That(names, Is.EqualTo(new[] { "business-system", "ocsp-signing", "platform-client", "platform-tls", "server-tls", "staff-auth", "staff-dual", "staff-dual-encryption", "staff-encryption", "staff-signing", "staff-sm2-dual", "system-encryption", "system-signing", "tsa" }));
    }

    [Test]
    public void Defaults_TsaEkuCritical_OcspNoCheck_DualControl()
    {
        var catalog = ProfileCatalog.Defaults();
        Assert.That(catalog.Get("tsa").ExtendedKeyUsageCritical, Is.True);
        Assert.That(catalog.Get("ocsp-signing").OcspNoCheck, Is.True);
        Assert.That(catalog.Get("staff-auth").Approvals, Is.EqualTo(2));
    }

    [Test]
    public void Parse_Valid_RequiredAttributesAreAllowed()
    {
        var profile = ProfileLoader.Parse("custom.json", System.Text.Encoding.UTF8.GetBytes(Valid));
        Assert.That(profile.Subject.Allowed, Is.EquivalentTo(new[] { "O", "CN" }));
        Assert.That(profile.KeyAlgorithms, Is.EqualTo(new[] { KeyAlgorithm.EcP256 }));
    }

    [TestCase("\"maxValidityDays\": 30", "\"maxValidityDays\": 0", "maxValidityDays")]
    [TestCase("\"ec-p256\"", "\"ec-p521\"", "keyAlgorithms: unknown 'ec-p521'")]
    [TestCase("[\"clientAuth\"]", "[\"clientAuthh\"]", "extendedKeyUsage: unknown 'clientAuthh'")]
    [TestCase("\"ec\": [\"digitalSignature\"]", "\"ec\": [\"keyCertSign\"]", "keyUsage.ec: 'keyCertSign' is for CA certificates")]
    [TestCase("\"allowed\": [\"O\"]", "\"allowed\": [\"XX\"]", "subject.allowed: unknown attribute 'XX'")]
    [TestCase("\"allowed\": [\"O\"] }", "\"allowed\": [\"O\"], \"patterns\": { \"CN\": \"([\" } }", "subject.patterns.CN: invalid regular expression")]
    [TestCase("\"name\": \"custom\"", "\"name\": \"Bad Name\"", "name:")]
    [TestCase("\"name\": \"custom\"", "\"name\": \"custom\", \"colour\": \"red\"", "colour")]
    [TestCase("\"extendedKeyUsage\": [\"clientAuth\"]", "\"extendedKeyUsage\": [\"clientAuth\"], \"ocspNoCheck\": true", "ocspNoCheck")]
    public void Parse_Invalid_ErrorNamesFileAndField(string from, string to, string expected)
    {
        var json = Valid.Replace(from, to, StringComparison.Ordinal);
        Assert.That(json, Is.Not.EqualTo(Valid), "test setup: replacement did not apply");
        var error = Assert.Throws<PkiException>(() => ProfileLoader.Parse("/etc/pki/profiles/custom.json", System.Text.Encoding.UTF8.GetBytes(json)))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.InvalidProfile));
        Assert.That(error.Message, Does.Contain("/etc/pki/profiles/custom.json").And.Contain(expected));
    }

    [Test]
    public void Parse_NotJson_ErrorNamesFile()
    {
        var error = Assert.Throws<PkiException>(() => ProfileLoader.Parse("broken.json", "{ not json"u8))!;
        Assert.That(error.Message, Does.StartWith("profile broken.json: not valid profile JSON"));
    }

    [Test]
    public void LoadDirectory_DuplicateName_Refused()
    {
        var directory = Directory.CreateTempSubdirectory("profiles-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "a.json"), Valid);
            File.WriteAllText(Path.Combine(directory, "b.json"), Valid);
            var error = Assert.Throws<PkiException>(() => ProfileLoader.LoadDirectory(directory))!;
            Assert.That(error.Message, Does.Contain("b.json").And.Contain("defined twice"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void Catalog_UnknownProfile_ListsAvailable()
    {
        var error = Assert.Throws<PkiException>(() => ProfileCatalog.Defaults().Get("nope"))!;
        Assert.That(error.Code, Is.EqualTo(CaErrorCodes.UnknownProfile));
        Assert.That(error.Message, Does.Contain("staff-auth"));
    }
}
