using PkiPlatform.KeyStore;
using PkiPlatform.TokenService.Cms;
using PkiPlatform.TokenService.Tests.Validation;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>How the host's settings (section "Signing") become the verifier's <see cref="SignerPolicy"/>; bad values stop it with the key named.</summary>
public sealed class TokenVerificationPolicyTests
{
    private static readonly Org.BouncyCastle.X509.X509Certificate PlatformTsa = TestCertificate.Root("CN=Platform TSA,O=HRSS").Build();

    [Test]
    public void PolicyFrom_Defaults_TrustsOnlyThePlatformTsaAndEmailProtection()
    {
        var policy = TokenVerification.PolicyFrom(new SigningServiceOptions(), [PlatformTsa]);

        Assert.That(policy.TrustedTsaCertificates, Is.EquivalentTo(new[] { SignerPolicy.Fingerprint(PlatformTsa) }));
        Assert.That(policy.IsTrustedTsa(PlatformTsa), Is.True);
        Assert.That(policy.IsTrustedTsa(TestCertificate.Root("CN=Other TSA").Build()), Is.False);
        Assert.That(policy.DocumentSigningExtendedKeyUsages, Is.EquivalentTo(new[] { SignerPolicy.EmailProtection }));
        Assert.That(policy.SigningTimeTolerance, Is.EqualTo(TimeSpan.FromMinutes(5)));
    }

    [Test]
    public void PolicyFrom_ConfiguredValues_Applied()
    {
        var other = TestCertificate.Root("CN=External TSA").Build();
        var options = new SigningServiceOptions { SigningTimeToleranceSeconds = 30 };
        options.TrustedTsaCertificateSha256.Add(string.Join(":", SignerPolicy.Fingerprint(other).Chunk(2).Select(c => new string(c))).ToLowerInvariant());
        options.DocumentSigningExtendedKeyUsages.Add("codeSigning");
        options.DocumentSigningExtendedKeyUsages.Add("anyExtendedKeyUsage");
        options.DocumentSigningExtendedKeyUsages.Add("1.2.3.4");

        var policy = TokenVerification.PolicyFrom(options, []);

        Assert.That(policy.IsTrustedTsa(other), Is.True);
        Assert.That(policy.IsTrustedTsa(PlatformTsa), Is.False);
        Assert.That(policy.DocumentSigningExtendedKeyUsages, Is.EquivalentTo(new[] { "1.3.6.1.5.5.7.3.3", SignerPolicy.AnyExtendedKeyUsage, "1.2.3.4" }));
        Assert.That(policy.SigningTimeTolerance, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [TestCase("abc")]
    [TestCase("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void PolicyFrom_BadFingerprint_RefusedNamingTheKey(string fingerprint)
    {
        var options = new SigningServiceOptions();
        options.TrustedTsaCertificateSha256.Add(fingerprint);

        var error = Assert.Throws<PkiException>(() => TokenVerification.PolicyFrom(options, []));

        Assert.That(error!.Message, Does.StartWith("Signing:TrustedTsaCertificateSha256:"));
    }

    [Test]
    public void PolicyFrom_UnknownEkuName_RefusedNamingTheKey()
    {
        var options = new SigningServiceOptions();
        options.DocumentSigningExtendedKeyUsages.Add("documentSigning?");

        var error = Assert.Throws<PkiException>(() => TokenVerification.PolicyFrom(options, []));

        Assert.That(error!.Message, Does.StartWith("Signing:DocumentSigningExtendedKeyUsages:"));
    }

    [Test]
    public void PolicyFrom_NegativeTolerance_Refused()
    {
        var error = Assert.Throws<PkiException>(() => TokenVerification.PolicyFrom(new SigningServiceOptions { SigningTimeToleranceSeconds = -1 }, []));

        Assert.That(error!.Message, Does.StartWith("Signing:SigningTimeToleranceSeconds:"));
    }
}
