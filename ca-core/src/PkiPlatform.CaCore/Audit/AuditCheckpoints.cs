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

    /// <summary>The RFC 3161 token beside a checkpoint file: <c>checkpoint-N.txt</c> → <c>checkpoint-N.tst</c>.</summary>
    public static string TokenPath(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".tst");

    /// <summary>
    /// Signs the current head and writes <c>{directory}/checkpoint-{sequence}.txt</c> and <see cref="LatestFile"/>; with a
    /// <paramref name="timestamp"/> (the platform's TSA: SHA-256 of the file in, DER TimeStampToken out) also
    /// <c>checkpoint-{sequence}.tst</c> and <c>latest.tst</c>, which <c>openssl ts -verify -data FILE -in FILE.tst -token_in</c> checks.
    /// </summary>
    public async Task<(AuditCheckpoint Checkpoint, string Path)> WriteAsync(string directory, string actor,
        Func<byte[], CancellationToken, Task<byte[]>>? timestamp = null, CancellationToken cancellationToken = default)
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
        // The token first: a checkpoint file never names a head whose token is missing because of a crash in between.
        if (timestamp is not null)
        {
            var token = await timestamp(SHA256.HashData(text), cancellationToken);
            Hosting.DataDirectory.WriteOwnerOnly(TokenPath(path), token);
            Hosting.DataDirectory.WriteOwnerOnly(TokenPath(Path.Combine(directory, LatestFile)), token);
        }

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

    /// <summary>
    /// Why the RFC 3161 token does not time-stamp <paramref name="checkpointText"/>, or null when it does: the imprint is the
    /// SHA-256 of the file, the token's signature verifies with the certificate it carries, and that certificate is one this
    /// platform's CA issued (byte-equal to its record) for time-stamping.
    /// </summary>
    public async Task<string?> CheckTokenAsync(byte[] checkpointText, byte[] token, CancellationToken cancellationToken = default)
    {
        Org.BouncyCastle.Tsp.TimeStampToken parsed;
        try
        {
            parsed = new Org.BouncyCastle.Tsp.TimeStampToken(new Org.BouncyCastle.Cms.CmsSignedData(token));
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            return $"the time-stamp token is malformed: {ex.Message}";
        }

        if (!parsed.TimeStampInfo.GetMessageImprintDigest().AsSpan().SequenceEqual(SHA256.HashData(checkpointText))
            || parsed.TimeStampInfo.MessageImprintAlgOid != "2.16.840.1.101.3.4.2.1")
        {
            return "the time-stamp token is for other content: the checkpoint file was edited after it was stamped";
        }

        var certificate = parsed.GetCertificates().EnumerateMatches(parsed.SignerID).FirstOrDefault();
        if (certificate is null)
        {
            return "the time-stamp token carries no TSA certificate (it was requested with certReq)";
        }

        await using var db = database.CreateContext();
        var serial = Issuance.SerialNumbers.ToHex(certificate.SerialNumber.ToByteArrayUnsigned());
        var record = await db.Certificates.AsNoTracking().Where(c => c.Serial == serial).Select(c => new { c.Der, c.Profile }).FirstOrDefaultAsync(cancellationToken);
        if (record?.Der is null || record.Profile != "tsa" || !record.Der.AsSpan().SequenceEqual(certificate.GetEncoded()))
        {
            return $"the time-stamp token was signed by '{certificate.SubjectDN}', which is not a TSA certificate this platform issued";
        }

        try
        {
            parsed.Validate(certificate);
            return null;
        }
        catch (Exception ex) when (MalformedInput.Is(ex))
        {
            return $"the time-stamp token's signature does not verify: {ex.Message}";
        }
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
