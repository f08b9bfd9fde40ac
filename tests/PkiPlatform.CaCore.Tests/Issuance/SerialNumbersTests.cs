using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Tests.Issuance;

public sealed class SerialNumbersTests
{
    [Test]
    public void Generate_PositiveSixteenOctetsNoLeadingZero_Distinct()
    {
        var serials = Enumerable.Range(0, 1000).Select(_ => SerialNumbers.Generate()).ToList();
        Assert.That(serials, Has.All.Matches<byte[]>(s => s.Length == 16 && (s[0] & 0xC0) == 0x40));
        Assert.That(serials.Select(s => SerialNumbers.ToHex(s)).Distinct().Count(), Is.EqualTo(1000));
    }

    [TestCase("4A:3F:00:01", "4A3F0001")]
    [TestCase("serial=4a3f0001", "4A3F0001")]
    [TestCase("0x0004a3f0001", "4A3F0001")]
    [TestCase(" 4A3F0001 ", "4A3F0001")]
    public void Normalize_OpenSslForms_Canonical(string input, string expected) =>
        Assert.That(SerialNumbers.Normalize(input), Is.EqualTo(expected));

    [TestCase("xyz")]
    [TestCase("")]
    [TestCase("12-34")]
    public void Normalize_NotHex_ClearError(string input) =>
        Assert.That(Assert.Throws<PkiException>(() => SerialNumbers.Normalize(input))!.Message, Does.Contain("not a serial number"));
}
