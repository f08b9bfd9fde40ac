using PkiPlatform.CaCore.Audit;
using PkiPlatform.TokenService.Tests.Cms;

namespace PkiPlatform.TokenService.Tests;

/// <summary>Trust-model item 7: audit checkpoints time-stamped by the platform's TSA, and what the token check refuses.</summary>
[NonParallelizable]
public sealed class AuditCheckpointTimestampTests
{
    [Test]
    public async Task Checkpoint_StampedByPlatformTsa_TokenChecks_EditedFileOrForeignBytesRefused()
    {
        await using var platform = await CmsTestPlatform.StartAsync();
        var tsa = platform.Service<TimeStampAuthority>();
        var directory = Path.Combine(platform.Pki.Directory, "audit");

        var (_, path) = await platform.Pki.Ca.AuditCheckpoints.WriteAsync(directory, "test", (digest, ct) => tsa.StampAsync(digest, "audit-checkpoint", ct));
        var text = await File.ReadAllBytesAsync(path);
        var token = await File.ReadAllBytesAsync(AuditCheckpoints.TokenPath(path));

        Assert.That(await platform.Pki.Ca.AuditCheckpoints.CheckTokenAsync(text, token), Is.Null);
        Assert.That(File.Exists(Path.Combine(directory, "latest.tst")), Is.True);
        var edited = text.Concat("\n"u8.ToArray()).ToArray();
        Assert.That(await platform.Pki.Ca.AuditCheckpoints.CheckTokenAsync(edited, token), Does.Contain("for other content"));
        Assert.That(await platform.Pki.Ca.AuditCheckpoints.CheckTokenAsync(text, token[..^5]), Does.Contain("malformed"));
        var openssl = TestKit.ExternalTool.Run("openssl", ["ts", "-reply", "-in", AuditCheckpoints.TokenPath(path), "-token_in", "-text"]);
        Assert.That(openssl.StdOut, Does.Contain("Hash Algorithm: sha256"), openssl.ToString());
    }
}
