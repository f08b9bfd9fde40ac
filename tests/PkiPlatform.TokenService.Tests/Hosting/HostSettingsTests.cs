using Microsoft.AspNetCore.Builder;
using PkiPlatform.KeyStore;
using PkiPlatform.OcspResponder;
using PkiPlatform.ServiceDefaults;
using PkiPlatform.TokenService;

namespace PkiPlatform.TokenService.Tests.Hosting;

/// <summary>Issue 10: pki.json is a configuration source of every host, below environment and arguments; sections validated at start naming the key.</summary>
public sealed class HostSettingsTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("pki-settings-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private WebApplicationBuilder Builder(string json, params string[] args)
    {
        var path = Path.Combine(_dir, "pki.json");
        File.WriteAllText(path, json);
        var builder = WebApplication.CreateBuilder(args);
        HostSettings.AddPkiJson(builder.Configuration, path);
        return builder;
    }

    [Test]
    public void PkiJson_ReadByTheHost_ArgumentsOverrideIt()
    {
        var builder = Builder("""{ "Ocsp": { "NextUpdateSeconds": 600, "StatusPollSeconds": 5 }, "Tsa": { "AccuracySeconds": 2 } }""", "--Ocsp:StatusPollSeconds=3");
        var ocsp = HostSettings.Bind<OcspResponderOptions>(builder.Configuration, "Ocsp");
        Assert.That((ocsp.NextUpdateSeconds, ocsp.StatusPollSeconds), Is.EqualTo((600, 3)));
        Assert.That(HostSettings.Bind<TsaOptions>(builder.Configuration, "Tsa").AccuracySeconds, Is.EqualTo(2));
    }

    [TestCase("""{ "Ocsp": { "NextUpdateSecond": 600 } }""", "Ocsp", "NextUpdateSecond")]
    [TestCase("""{ "Ocsp": { "NextUpdateSeconds": "soon" } }""", "Ocsp", "Ocsp:NextUpdateSeconds")]
    [TestCase("""{ "Ocsp": { "NextUpdateSeconds": 5 } }""", "Ocsp", "Ocsp:NextUpdateSeconds must be 60..604800")]
    [TestCase("""{ "Tsa": { "DefaultPolicy": "policy-one" } }""", "Tsa", "Tsa:DefaultPolicy 'policy-one' is not a dotted object identifier")]
    [TestCase("""{ "Tsa": { "CertificateValidityDays": 4000 } }""", "Tsa", "Tsa:CertificateValidityDays must be 1..1825")]
    [TestCase("""{ "Signing": { "ClientCertificateCacheSeconds": 3600 } }""", "Signing", "Signing:ClientCertificateCacheSeconds must be 0..300")]
    [TestCase("""{ "Signing": { "TrustAnchorFiles": [ "/nonexistent/anchor.pem" ] } }""", "Signing", "Signing:TrustAnchorFiles entry '/nonexistent/anchor.pem' does not exist")]
    public void BadSetting_RefusedAtStartNamingTheKey(string json, string section, string message)
    {
        var builder = Builder(json);
        TestDelegate bind = section switch
        {
            "Ocsp" => () => HostSettings.Bind<OcspResponderOptions>(builder.Configuration, section),
            "Tsa" => () => HostSettings.Bind<TsaOptions>(builder.Configuration, section),
            _ => () => HostSettings.Bind<SigningServiceOptions>(builder.Configuration, section),
        };
        Assert.That(bind, Throws.TypeOf<PkiException>().With.Property(nameof(PkiException.Code)).EqualTo(PkiErrorCodes.InvalidArgument).And.Message.Contains(message));
    }
}
