using Org.BouncyCastle.X509;
using PkiPlatform.KeyStore;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Certificates;

/// <summary>
/// An SM2 CA issuing SM2 certificates (GM/T 0015: SM3withSM2, absent parameters, ID 1234567812345678).
/// What OpenSSL 3.0 can check: each signature in the chain, one link at a time (-partial_chain with
/// -vfyopt distid). What it cannot: a whole SM2 chain in one call — it applies the distinguishing ID
/// only to the leaf, so the CA certificate's signature fails ("certificate signature failure" at
/// depth 1). BouncyCastle checks the whole chain.
/// </summary>
public sealed class Sm2InteropTests
{
    private const string DistinguishingId = "distid:1234567812345678";
    private TestPki _pki = null!;
    private TestLeaf _leaf = null!;

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _pki = await TestPki.CreateAsync(KeyAlgorithm.Sm2);
        _leaf = await _pki.IssueAsync("staff-signing", "CN=Wang Wu,O=HRSS", ["email:wangwu@hrss.example"], KeyAlgorithm.Sm2);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        if (_pki is not null)
        {
            await _pki.DisposeAsync();
        }
    }

    [Test]
    public void Chain_VerifiesWithBouncyCastle()
    {
        var parser = new X509CertificateParser();
        var root = parser.ReadCertificate(_pki.RootDer);
        var issuing = parser.ReadCertificate(_pki.IssuingDer);
        var leaf = parser.ReadCertificate(_leaf.Der);
        Assert.DoesNotThrow(() => root.Verify(root.GetPublicKey()));
        Assert.DoesNotThrow(() => issuing.Verify(root.GetPublicKey()));
        Assert.DoesNotThrow(() => leaf.Verify(issuing.GetPublicKey()));
        Assert.That(leaf.SigAlgOid, Is.EqualTo("1.2.156.10197.1.501"));
        Assert.That(leaf.GetSigAlgParams(), Is.Null, "GM/T 0015: SM3withSM2 carries no parameters");
    }

    [Test]
    public void LeafSignature_VerifiesWithOpenSsl()
    {
        var run = Tools.OpenSsl("verify", "-partial_chain", "-vfyopt", DistinguishingId, "-CAfile", _pki.IssuingPemPath, _leaf.CertificatePath);
        Assert.That(run.StdOut.Trim(), Is.EqualTo($"{_leaf.CertificatePath}: OK"), run.ToString());
    }

    [Test]
    public void IssuingCaSignature_VerifiesWithOpenSsl()
    {
        var run = Tools.OpenSsl("verify", "-partial_chain", "-vfyopt", DistinguishingId, "-CAfile", _pki.RootPemPath, _pki.IssuingPemPath);
        Assert.That(run.StdOut.Trim(), Is.EqualTo($"{_pki.IssuingPemPath}: OK"), run.ToString());
    }

    [Test]
    public void TamperedLeaf_OpenSslRefuses()
    {
        var der = (byte[])_leaf.Der.Clone();
        var index = der.AsSpan().IndexOf("Wang Wu"u8);
        der[index] = (byte)'F';
        var path = _pki.WriteFile("tampered-sm2.pem", System.Text.Encoding.ASCII.GetBytes(Pem.Certificate(der)));
        var run = Tools.OpenSsl("verify", "-partial_chain", "-vfyopt", DistinguishingId, "-CAfile", _pki.IssuingPemPath, path);
        Assert.That(run.Output, Does.Contain("certificate signature failure"), run.ToString());
    }
}
