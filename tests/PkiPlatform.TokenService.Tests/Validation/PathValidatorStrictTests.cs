using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Tests.Validation;

/// <summary>
/// Issue 9 item 16: strict path validation (the default) applies RFC 5937 trust-anchor constraints and RFC 5280's profile
/// MUSTs; each class of chain is built here and judged by <see cref="PathValidator"/> and by `openssl verify -x509_strict`
/// side by side; the documented Unsafe… switches bring back the lax verdict.
/// </summary>
public sealed class PathValidatorStrictTests
{
    public enum Relax
    {
        None,
        Anchors,
        Profile,
        Both,

        /// <summary>Refused by RFC 5280 §6.1 processing itself, whatever the switches.</summary>
        Never,
    }

    /// <summary>A chain: anchor, intermediates (top first) and leaf, and the expected verdicts.</summary>
    public sealed record Scenario(string Name, Func<(X509Certificate Root, X509Certificate[] Intermediates, X509Certificate Leaf)> Build,
        string? Reason, Relax Relaxed, bool OpenSslRefuses)
    {
        public override string ToString() => Name;
    }

    private static GeneralSubtree Dns(string name) => new(new GeneralName(GeneralName.DnsName, name));

    /// <summary>Root (with <paramref name="root"/> applied) → issuing CA → leaf (with <paramref name="leaf"/> applied); subjects start with O=Strict.</summary>
    private static (X509Certificate, X509Certificate[], X509Certificate) Chain(Action<TestCertificate>? root = null, Action<TestCertificate>? ca = null, Action<TestCertificate>? leaf = null)
    {
        var rootBuilder = TestCertificate.Root("O=Strict,CN=Strict Root");
        root?.Invoke(rootBuilder);
        var rootIssuer = rootBuilder.Issue();
        var caBuilder = TestCertificate.Ca(rootIssuer, "O=Strict,CN=Strict Issuing CA");
        ca?.Invoke(caBuilder);
        var caIssuer = caBuilder.Issue();
        var leafBuilder = TestCertificate.Leaf(caIssuer, "O=Strict,CN=Strict Leaf").WithSan(false, new GeneralName(GeneralName.DnsName, "www.allowed.example"));
        leaf?.Invoke(leafBuilder);
        return (rootIssuer.Certificate, [caIssuer.Certificate], leafBuilder.Build());
    }

    private static readonly Scenario[] Refused =
    [
        new("root name constraints: DNS outside permitted", () => Chain(root: r => r.WithNameConstraints([Dns("allowed.example")]),
            leaf: l => l.WithSan(false, new GeneralName(GeneralName.DnsName, "www.evil.example"))), "outside the name constraints of trust anchor", Relax.Anchors, true),
        new("root name constraints: DNS excluded", () => Chain(root: r => r.WithNameConstraints(null, [Dns("allowed.example")])),
            "outside the name constraints of trust anchor", Relax.Anchors, true),
        new("root name constraints: IP outside permitted", () => Chain(root: r => r.WithNameConstraints([new GeneralSubtree(new GeneralName(GeneralName.IPAddress, "10.0.0.0/8"))]),
            leaf: l => l.WithSan(false, new GeneralName(GeneralName.IPAddress, "192.168.1.1"))), "outside the name constraints of trust anchor", Relax.Anchors, true),
        new("root name constraints: directory name outside permitted", () => Chain(root: r => r.WithNameConstraints([new GeneralSubtree(new GeneralName(new X509Name("O=Strict")))]),
            leaf: l => l.Subject = new X509Name("O=Elsewhere,CN=Strict Leaf")), "outside the name constraints of trust anchor", Relax.Anchors, true),
        new("expired root", () => Chain(root: r => { r.NotBefore = DateTime.UtcNow.AddDays(-30); r.NotAfter = DateTime.UtcNow.AddDays(-2); }),
            "expired on", Relax.Anchors, true),
        new("root with an unknown critical extension", () => Chain(root: r => r.With(new DerObjectIdentifier("1.3.6.1.4.1.32473.99.1"), true, DerNull.Instance)),
            "has an unknown critical extension (1.3.6.1.4.1.32473.99.1)", Relax.Anchors, true),
        new("root without basicConstraints", () => Chain(root: r => r.Without(X509Extensions.BasicConstraints)),
            "is not a CA certificate: basicConstraints with cA=TRUE is missing", Relax.Both, true),
        new("root with pathLenConstraint 0 above an intermediate", () => Chain(root: r => r.With(X509Extensions.BasicConstraints, true, new BasicConstraints(0))),
            "allows at most 0 intermediate CA certificate(s)", Relax.Anchors, true),
        new("root keyUsage without keyCertSign", () => Chain(root: r => r.With(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.CrlSign))),
            "has keyUsage without keyCertSign", Relax.Anchors, true),
        new("leaf keyCertSign with cA=FALSE", () => Chain(leaf: l => l.With(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyCertSign))),
            "keyUsage has keyCertSign but basicConstraints does not assert cA=TRUE", Relax.Profile, true),
        new("leaf keyCertSign without basicConstraints", () => Chain(leaf: l => l.Without(X509Extensions.BasicConstraints)
            .With(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyCertSign))),
            "keyUsage has keyCertSign but basicConstraints does not assert cA=TRUE", Relax.Profile, true),
        new("leaf without authorityKeyIdentifier", () => Chain(leaf: l => l.Without(X509Extensions.AuthorityKeyIdentifier)),
            "the authority key identifier extension is missing", Relax.Profile, true),
        new("intermediate without authorityKeyIdentifier", () => Chain(ca: c => c.Without(X509Extensions.AuthorityKeyIdentifier)),
            "the authority key identifier extension is missing", Relax.Profile, true),
        new("intermediate CA without subjectKeyIdentifier", () => Chain(ca: c => c.Without(X509Extensions.SubjectKeyIdentifier)),
            "the subject key identifier extension is missing from a CA certificate", Relax.Profile, true),
        new("root CA without subjectKeyIdentifier", () => Chain(root: r => r.Without(X509Extensions.SubjectKeyIdentifier)),
            "the subject key identifier extension is missing from a CA certificate", Relax.Profile, true),
        new("leaf with a critical authorityKeyIdentifier", () => Chain(leaf: l => l.WithAki(critical: true)),
            "the authority key identifier extension is critical", Relax.Never, true),
        // OpenSSL 3.0.19 -x509_strict does not look at the serial's sign; RFC 5280 §4.1.2.2 says it MUST be positive.
        new("leaf with a negative serial", () => Chain(leaf: l => l.Serial = BigInteger.ValueOf(-4711)),
            "the serial number is not a positive integer", Relax.Profile, false),
        new("leaf with serial zero", () => Chain(leaf: l => l.Serial = BigInteger.Zero),
            "the serial number is not a positive integer", Relax.Profile, false),
        new("leaf with an empty subject and a non-critical SAN", () => Chain(leaf: l =>
            {
                l.Subject = new X509Name(new List<DerObjectIdentifier>(), new List<string>());
                l.WithSan(false, new GeneralName(GeneralName.Rfc822Name, "clerk@allowed.example"));
            }),
            "the subject is empty and the subject alternative name extension is not critical", Relax.Profile, true),
        new("leaf with pathLenConstraint but cA=FALSE", () => Chain(leaf: l => l.With(X509Extensions.BasicConstraints, true,
                BasicConstraints.GetInstance(new DerSequence(DerBoolean.False, DerInteger.ValueOf(0))))),
            "pathLenConstraint without cA=TRUE", Relax.Profile, true),
    ];

    private static readonly Scenario[] Accepted =
    [
        new("conforming chain", () => Chain(), null, Relax.None, false),
        new("root name constraints: DNS, IP and directory names inside", () => Chain(
            root: r => r.WithNameConstraints([Dns("allowed.example"), new GeneralSubtree(new GeneralName(GeneralName.IPAddress, "10.0.0.0/8")),
                new GeneralSubtree(new GeneralName(new X509Name("O=Strict")))]),
            leaf: l => l.WithSan(false, new GeneralName(GeneralName.DnsName, "www.allowed.example"), new GeneralName(GeneralName.IPAddress, "10.1.2.3"))),
            null, Relax.None, false),
        new("root pathLenConstraint 1 above one intermediate", () => Chain(root: r => r.With(X509Extensions.BasicConstraints, true, new BasicConstraints(1))),
            null, Relax.None, false),
        new("leaf with an empty subject and a critical SAN", () => Chain(leaf: l =>
            {
                l.Subject = new X509Name(new List<DerObjectIdentifier>(), new List<string>());
                l.WithSan(true, new GeneralName(GeneralName.Rfc822Name, "clerk@allowed.example"));
            }),
            null, Relax.None, false),
        new("root without authorityKeyIdentifier (self-signed)", () => Chain(root: r => r.Without(X509Extensions.AuthorityKeyIdentifier)), null, Relax.None, false),
    ];

    private static IEnumerable<Scenario> RefusedCases => Refused;

    private static IEnumerable<Scenario> AcceptedCases => Accepted;

    private static PathResult Validate((X509Certificate Root, X509Certificate[] Intermediates, X509Certificate Leaf) chain, ValidationPolicy? policy = null) =>
        new PathValidator([chain.Root], policy: policy).Validate(chain.Leaf, chain.Intermediates, DateTime.UtcNow);

    private static ExternalTool.Result OpenSsl((X509Certificate Root, X509Certificate[] Intermediates, X509Certificate Leaf) chain)
    {
        var openssl = ExternalTool.Require("openssl");
        var directory = Directory.CreateTempSubdirectory("pki-strict-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "root.pem"), Pem.Certificate(chain.Root.GetEncoded()));
            File.WriteAllText(Path.Combine(directory, "untrusted.pem"), string.Concat(chain.Intermediates.Select(c => Pem.Certificate(c.GetEncoded()))));
            File.WriteAllText(Path.Combine(directory, "leaf.pem"), Pem.Certificate(chain.Leaf.GetEncoded()));
            return ExternalTool.Run(openssl, "verify", "-x509_strict", "-CAfile", Path.Combine(directory, "root.pem"),
                "-untrusted", Path.Combine(directory, "untrusted.pem"), Path.Combine(directory, "leaf.pem"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [TestCaseSource(nameof(RefusedCases))]
    public void Validate_StrictByDefault_RefusedAsOpenSslX509StrictDoes(Scenario scenario)
    {
        var chain = scenario.Build();

        var strict = Validate(chain);
        var openssl = OpenSsl(chain);

        Assert.That(strict.IsValid, Is.False, scenario.Name);
        Assert.That(strict.Failure, Does.Contain(scenario.Reason));
        Assert.That(openssl.ExitCode != 0, Is.EqualTo(scenario.OpenSslRefuses), $"openssl verify -x509_strict: {openssl}");
    }

    private static IEnumerable<Scenario> RelaxableCases => Refused.Where(s => s.Relaxed != Relax.Never);

    [TestCaseSource(nameof(RelaxableCases))]
    public void Validate_DocumentedLaxSwitch_Accepts(Scenario scenario)
    {
        var chain = scenario.Build();
        // A root without basicConstraints but with keyCertSign breaks both an anchor constraint and a profile rule.
        var lax = new ValidationPolicy
        {
            UnsafeLaxTrustAnchors = scenario.Relaxed is Relax.Anchors or Relax.Both,
            UnsafeLaxCertificateProfile = scenario.Relaxed is Relax.Profile or Relax.Both,
        };
        var other = new ValidationPolicy { UnsafeLaxTrustAnchors = !lax.UnsafeLaxTrustAnchors, UnsafeLaxCertificateProfile = !lax.UnsafeLaxCertificateProfile };

        var relaxed = Validate(chain, lax);
        var wrongSwitch = Validate(chain, other);

        Assert.That(relaxed.IsValid, Is.True, relaxed.Failure);
        Assert.That(wrongSwitch.IsValid, Is.False, "each switch relaxes only its own class of rules");
    }

    [TestCaseSource(nameof(AcceptedCases))]
    public void Validate_ConformingChain_AcceptedByBoth(Scenario scenario)
    {
        var chain = scenario.Build();

        var strict = Validate(chain);
        var openssl = OpenSsl(chain);

        Assert.That(strict.IsValid, Is.True, strict.Failure);
        Assert.That(openssl.ExitCode, Is.EqualTo(0), openssl.ToString());
    }

    [Test]
    public void Validate_DirectlyTrustedCertificateWithNegativeSerial_Refused()
    {
        var root = TestCertificate.Root("CN=Pinned").Issue();
        var leaf = TestCertificate.Leaf(root);
        leaf.Serial = BigInteger.ValueOf(-1);
        var pinned = leaf.Build();

        var result = new PathValidator([pinned]).Validate(pinned, [], DateTime.UtcNow);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Failure, Does.Contain("not a positive integer"));
    }
}
