using System.Text.Json;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using PkiPlatform.KeyStore.Curves;
using PkiPlatform.KeyStore.Signing;
using PkiPlatform.TestKit;

namespace PkiPlatform.Interop.Tests.Certificates;

/// <summary>
/// SM3withSM2 signatures made by implementations nobody here wrote — OpenSSL 3.0 (`openssl dgst -sm3 -sigopt
/// distid:…`) and the npm package sm-crypto — verify in BouncyCastle's SM2Signer and in the key store's own
/// Sm2SignatureVerifier (what the CA's CSR check uses); altered messages verify in neither.
/// </summary>
public sealed class Sm2ForeignSignatureTests
{
    private static readonly byte[] Id = "1234567812345678"u8.ToArray();

    private static string NodeDirectory => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node"));

    private static bool BouncyCastleVerifies(ECPublicKeyParameters key, byte[] message, byte[] signature)
    {
        var verifier = new SM2Signer();
        verifier.Init(false, new ParametersWithID(key, Id));
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(signature);
    }

    private static ECPublicKeyParameters Sm2Key(byte[] uncompressed) =>
        new(Sm2Domain.Parameters.Curve.DecodePoint(uncompressed), Sm2Domain.Parameters);

    private static List<byte[]> Messages()
    {
        var random = new Random(13);
        return Enumerable.Range(0, 12).Select(i =>
        {
            var message = new byte[i * 37];
            random.NextBytes(message);
            return message;
        }).ToList();
    }

    private static void AssertBothVerify(ECPublicKeyParameters key, byte[] message, byte[] signature, string what)
    {
        Assert.That(BouncyCastleVerifies(key, message, signature), $"BouncyCastle accepts {what}");
        Assert.That(Sm2SignatureVerifier.Verify(key, Id, message, signature), $"Sm2SignatureVerifier accepts {what}");
        var altered = message.Length == 0 ? [0x00] : (byte[])message.Clone();
        if (message.Length > 0)
        {
            altered[0] ^= 0x01;
        }

        Assert.That(BouncyCastleVerifies(key, altered, signature), Is.False, $"BouncyCastle refuses {what} over an altered message");
        Assert.That(Sm2SignatureVerifier.Verify(key, Id, altered, signature), Is.False, $"Sm2SignatureVerifier refuses {what} over an altered message");
    }

    [Test]
    public void OpenSslSignatures_VerifyInBouncyCastleAndOurVerifier()
    {
        var directory = Directory.CreateTempSubdirectory("sm2-openssl-");
        try
        {
            SignWithOpenSsl(directory.FullName);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static void SignWithOpenSsl(string directory)
    {
        var key = Path.Combine(directory, "sm2.key");
        var run = Tools.OpenSsl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", key);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var der = Path.Combine(directory, "sm2.pub.der");
        run = Tools.OpenSsl("pkey", "-in", key, "-pubout", "-outform", "DER", "-out", der);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var publicKey = (ECPublicKeyParameters)PublicKeyFactory.CreateKey(File.ReadAllBytes(der));
        var sm2 = new ECPublicKeyParameters(publicKey.Q, Sm2Domain.Parameters);
        var messages = Messages();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = Path.Combine(directory, $"m{i}.bin");
            var signature = Path.Combine(directory, $"m{i}.sig");
            File.WriteAllBytes(message, messages[i]);
            run = Tools.OpenSsl("dgst", "-sm3", "-sign", key, "-sigopt", "distid:1234567812345678", "-out", signature, message);
            Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
            AssertBothVerify(sm2, messages[i], File.ReadAllBytes(signature), $"OpenSSL's signature {i} ({messages[i].Length} bytes)");
        }
    }

    [Test]
    public void SmCryptoSignatures_VerifyInBouncyCastleAndOurVerifier()
    {
        if (ExternalTool.Find("node") is null || !Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "sm-crypto")))
        {
            Assert.Ignore("node and the npm package sm-crypto are needed (ops/scripts/test.sh installs them)");
        }

        var messages = Messages();
        var lines = messages.Select((m, i) => JsonSerializer.Serialize(new { name = $"m{i}", msg = Convert.ToHexStringLower(m) }));
        var run = ExternalTool.Run("node", [Path.Combine(NodeDirectory, "sm2sign.js")], stdin: System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)), workingDirectory: NodeDirectory);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        var results = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(results, Has.Count.EqualTo(messages.Count), run.ToString());
        for (var i = 0; i < messages.Count; i++)
        {
            var key = Sm2Key(Convert.FromHexString(results[i].GetProperty("pub").GetString()!));
            AssertBothVerify(key, messages[i], Convert.FromHexString(results[i].GetProperty("sig").GetString()!), $"sm-crypto's signature {i} ({messages[i].Length} bytes)");
        }
    }
}
