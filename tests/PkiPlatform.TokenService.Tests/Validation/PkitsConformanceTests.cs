using System.Text.Json;
using Org.BouncyCastle.X509;
using PkiPlatform.TestKit;
using PkiPlatform.TokenService.Validation;

namespace PkiPlatform.TokenService.Tests.Validation;

/// <summary>
/// NIST PKITS v1.0.1 (../shared/testdata/nist-pkits/vectors.json, 249 vectors) through <see cref="PathValidator"/>
/// at the fixed time 2020-01-01, with each vector's CRLs and initial policy inputs. The vector's CertPath is
/// a bag (anchor first, end entity last); paths are built from it as the service builds them from a message.
/// </summary>
public sealed class PkitsConformanceTests
{
    private static readonly DateTime ValidationTime = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Test]
    public void Validate_AllPkitsVectors_AgreeWithExpectations()
    {
        var folder = SharedTestData.Folder("nist-pkits");
        using var vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "vectors.json")));
        var certificates = new X509CertificateParser();
        var crlParser = new X509CrlParser();
        var disagreements = new List<string>();
        var total = 0;
        foreach (var vector in vectors.RootElement.EnumerateArray())
        {
            total++;
            var bag = vector.GetProperty("CertPath").EnumerateArray()
                .Select(name => certificates.ReadCertificate(File.ReadAllBytes(Path.Combine(folder, "certs", name.GetString()!)))).ToList();
            var crls = vector.GetProperty("CRLPath").EnumerateArray()
                .Select(name => crlParser.ReadCrl(File.ReadAllBytes(Path.Combine(folder, "crls", name.GetString()!)))).ToList();
            var policies = vector.GetProperty("InitialPolicySet").EnumerateArray().Select(p => p.GetString()!).ToList();
            var policy = new ValidationPolicy
            {
                InitialPolicies = policies.Contains("anyPolicy") ? new HashSet<string>() : policies.Select(p => "2.16.840.1.101.3.2.1.48." + p.Split('-')[^1]).ToHashSet(),
                InhibitPolicyMapping = vector.GetProperty("InitialPolicyMappingInhibit").GetBoolean(),
                ExplicitPolicy = vector.GetProperty("InitialExplicitPolicy").GetBoolean(),
                InhibitAnyPolicy = vector.GetProperty("InitialAnyPolicyInhibit").GetBoolean(),
            };
            var validator = new PathValidator([bag[0]], policy: policy);
            var result = validator.Validate(bag[^1], bag.Skip(1).SkipLast(1), ValidationTime, crls);
            var expected = vector.GetProperty("ShouldValidate").GetBoolean();
            if (result.IsValid != expected)
            {
                disagreements.Add($"{vector.GetProperty("Name").GetString()}: expected {(expected ? "valid" : "invalid")}, got {(result.IsValid ? "valid" : result.Failure)}");
            }
            else if (!expected)
            {
                Assert.That(result.Failure, Is.Not.Empty, "an invalid path says why");
            }
        }

        TestContext.Out.WriteLine($"NIST PKITS: {total - disagreements.Count}/{total} vectors agree (OpenSSL 3.0.19 scores 247/249)");
        foreach (var line in disagreements)
        {
            TestContext.Out.WriteLine("  " + line);
        }

        Assert.That(disagreements, Is.Empty);
        Assert.That(total, Is.EqualTo(249));
    }
}
