using PkiPlatform.TokenService.Cms;

namespace PkiPlatform.TokenService.Tests.Cms;

/// <summary>Issue 9 item 6: verify-raw's algorithm allow-list is exact; the class of aliases, not one example, is refused.</summary>
public sealed class RawSignatureAlgorithmTests
{
    /// <summary>SHA-1 under every alias and OID, hashless ECDSA, other spellings of accepted names, and the ambiguous PSS OID.</summary>
    private static readonly string[] Refused =
    [
        // SHA-1, by OID and by name.
        "1.2.840.10045.4.1", "1.2.840.113549.1.1.5", "1.3.14.3.2.29", "1.2.840.10040.4.3", "1.3.14.3.2.26",
        "SHA1withECDSA", "SHA1WITHECDSA", "sha1withecdsa", "SHA-1withECDSA", "SHA1withECDSA ", " SHA1withECDSA", "SHA1 with ECDSA",
        "SHA1withRSA", "SHA1WithRSAEncryption", "sha1WithRSAEncryption", "SHA1withRSAandMGF1", "SHA1withRSA/PSS", "SHA1withDSA", "SHA1withSM2",
        // No hash or no name of one: verifies a signature over whatever the caller hashed.
        "ECDSA", "ecdsa", "NONEwithECDSA", "NONEWITHECDSA", "noneWithECDSA", "RSA", "NONEwithRSA", "RSASSA-PSS", "SM2", "DSA",
        // Weak or unsupported hashes.
        "MD5withRSA", "1.2.840.113549.1.1.4", "MD2withRSA", "SHA224withECDSA", "SHA224withRSA", "SHA3-256withECDSA", "RIPEMD160withRSA",
        // Accepted algorithms spelt otherwise: exact means exact.
        "sha256withecdsa", "SHA256WITHECDSA", "SHA256WithECDSA", "SHA-256withECDSA", "SHA256withECDSA ", " SHA256withECDSA", "SHA256 with ECDSA",
        "SHA256withECDSA\n", "SHA256withRSAEncryption", "sha256WithRSAEncryption", "SHA256withRSA/PSS", "SHA256WITHRSAANDMGF1", "SM3WITHSM2",
        "1.2.840.10045.4.3.2 ", " 1.2.840.10045.4.3.2", "1.2.840.10045.4.3.02", "oid.1.2.840.10045.4.3.2", "ECDSAwithSHA256",
        // RSASSA-PSS by OID: its hash lives in parameters, which a name-only API cannot carry.
        "1.2.840.113549.1.1.10",
        "", " ", "with", "SHA256with",
    ];

    private static IEnumerable<string> RefusedCases => Refused;

    [TestCaseSource(nameof(RefusedCases))]
    public void Find_AliasOutsideTheAllowList_Null(string identifier)
    {
        Assert.That(RawSignatureAlgorithm.Find(identifier), Is.Null);
    }

    [Test]
    public void Find_Null_Null()
    {
        Assert.That(RawSignatureAlgorithm.Find(null), Is.Null);
    }

    [TestCase("SHA256withECDSA", "SHA256withECDSA")]
    [TestCase("1.2.840.10045.4.3.2", "SHA256withECDSA")]
    [TestCase("SHA384withECDSA", "SHA384withECDSA")]
    [TestCase("1.2.840.10045.4.3.3", "SHA384withECDSA")]
    [TestCase("SHA512withECDSA", "SHA512withECDSA")]
    [TestCase("1.2.840.10045.4.3.4", "SHA512withECDSA")]
    [TestCase("SHA256withRSA", "SHA256withRSA")]
    [TestCase("1.2.840.113549.1.1.11", "SHA256withRSA")]
    [TestCase("SHA384withRSA", "SHA384withRSA")]
    [TestCase("1.2.840.113549.1.1.12", "SHA384withRSA")]
    [TestCase("SHA512withRSA", "SHA512withRSA")]
    [TestCase("1.2.840.113549.1.1.13", "SHA512withRSA")]
    [TestCase("SHA256withRSAandMGF1", "SHA256withRSAandMGF1")]
    [TestCase("SHA384withRSAandMGF1", "SHA384withRSAandMGF1")]
    [TestCase("SHA512withRSAandMGF1", "SHA512withRSAandMGF1")]
    [TestCase("SM3withSM2", "SM3withSM2")]
    [TestCase("1.2.156.10197.1.501", "SM3withSM2")]
    public void Find_AllowListEntry_TheAlgorithm(string identifier, string name)
    {
        Assert.That(RawSignatureAlgorithm.Find(identifier)?.Name, Is.EqualTo(name));
    }

    [Test]
    public void AcceptedList_NamesEveryEntryAndNoSha1()
    {
        Assert.That(RawSignatureAlgorithm.AcceptedList, Does.Contain("SHA256withECDSA").And.Contain("SM3withSM2").And.Contain("1.2.840.10045.4.3.2"));
        Assert.That(RawSignatureAlgorithm.AcceptedList, Does.Not.Contain("SHA1").And.Not.Contain("1.2.840.10045.4.1,"));
    }
}
