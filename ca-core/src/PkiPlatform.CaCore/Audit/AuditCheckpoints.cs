using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Audit;

/// <summary>
/// Anchors the hash chain outside the database (trust-model item 7): the head's sequence and hash, signed with the
/// audit key from the key store (ECDSA P-256, generated and audited on first use), written as a file; verification
/// checks a checkpoint's signature against the key store's key and that the chain still holds that head.
/// </summary>
public sealed class AuditCheckpoints(CaDatabase database, IKeyStore keys, KeyCustody custody, TimeProvider clock)
{
    public const string KeyLabel = "audit-checkpoint";
    public const string LatestFile = "latest.checkpoint";

    /// <summary>Signs the current head and writes <c>{directory}/checkpoint-{sequence}.txt</c> and <see cref="LatestFile"/>.</summary>
    public async Task<(AuditCheckpoint Checkpoint, string Path)> WriteAsync(string directory, string actor, CancellationToken cancellationToken = default)
    {
        var key = await KeyAsync(actor, cancellationToken);
        await using var db = database.CreateContext();
        var head = await db.AuditHead.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        var unsigned = new AuditCheckpoint(head.Sequence, head.Hash, Truncate(clock.GetUtcNow().UtcDateTime), KeyLabel, key.SubjectPublicKeyInfo, []);
        byte[] signature;
        using (var operation = keys.GetSigner(KeyLabel).BeginSign(SignatureAlgorithm.EcdsaSha256))
        {
            operation.Update(unsigned.SignedBytes());
            signature = operation.Complete();
        }

        var checkpoint = unsigned with { Signature = signature };
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"checkpoint-{checkpoint.Sequence:D12}.txt");
        var text = System.Text.Encoding.UTF8.GetBytes(checkpoint.Format());
        Hosting.DataDirectory.WriteOwnerOnly(path, text);
        Hosting.DataDirectory.WriteOwnerOnly(Path.Combine(directory, LatestFile), text);
        return (checkpoint, path);
    }

    /// <summary>Why the chain in the database contradicts <paramref name="checkpoint"/>, or null when it holds it.</summary>
    public async Task<string?> CheckAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        KeyInfo key;
        try
        {
            key = keys.Get(checkpoint.KeyLabel);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCodes.KeyNotFound)
        {
            return $"the checkpoint was signed with key '{checkpoint.KeyLabel}', which this key store does not hold";
        }

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
        if (!CryptographicOperations.FixedTimeEquals(key.SubjectPublicKeyInfo, checkpoint.SubjectPublicKeyInfo)
            || !ecdsa.VerifyData(checkpoint.SignedBytes(), checkpoint.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            return "the checkpoint's signature does not verify with the audit key: it was not written by this platform, or was edited";
        }

        await using var db = database.CreateContext();
        var head = await db.AuditHead.AsNoTracking().SingleAsync(h => h.Id == 1, cancellationToken);
        if (head.Sequence < checkpoint.Sequence)
        {
            return $"the checkpoint of {checkpoint.Time:u} saw {checkpoint.Sequence} events, the database now holds {head.Sequence}: events were deleted";
        }

        var anchored = await db.AuditEvents.AsNoTracking().Where(e => e.Sequence == checkpoint.Sequence).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken);
        if (checkpoint.Sequence > 0 && (anchored is null || !anchored.AsSpan().SequenceEqual(checkpoint.HeadHash)))
        {
            return $"event {checkpoint.Sequence} no longer carries the hash the checkpoint of {checkpoint.Time:u} signed: the chain was rewritten";
        }

        return null;
    }

    private async Task<KeyInfo> KeyAsync(string actor, CancellationToken cancellationToken)
    {
        try
        {
            return keys.Get(KeyLabel);
        }
        catch (PkiException ex) when (ex.Code == PkiErrorCodes.KeyNotFound)
        {
            return await custody.GenerateAsync(KeyLabel, KeyAlgorithm.EcP256, actor, KeyPurpose.Signing, cancellationToken);
        }
    }

    private static DateTime Truncate(DateTime value) => new(value.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
