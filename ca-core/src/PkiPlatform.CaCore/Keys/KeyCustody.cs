using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Keys;

/// <summary>
/// Key generation and destruction outside CA creation (responder, TSA and spare keys), each with its
/// audit event. A key still named by a CA record is never destroyed.
/// </summary>
public sealed class KeyCustody(CaDatabase database, IKeyStore keys, AuditTrail audit)
{
    public async Task<KeyInfo> GenerateAsync(string label, KeyAlgorithm algorithm, string actor, KeyPurpose purpose = KeyPurpose.Signing,
        CancellationToken cancellationToken = default)
    {
        var key = keys.Generate(label, algorithm, purpose);
        try
        {
            await using var db = database.CreateContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.KeyGenerated, label, $"algorithm={algorithm.ToName()}; backend={keys.Backend}; purpose={purpose}")], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return key;
        }
        catch
        {
            // No unaudited key may remain.
            keys.Destroy(label);
            throw;
        }
    }

    public async Task DestroyAsync(string label, string actor, CancellationToken cancellationToken = default)
    {
        await using var db = database.CreateContext();
        var user = await db.Authorities.AsNoTracking().Where(a => a.KeyLabel == label).Select(a => a.Name).FirstOrDefaultAsync(cancellationToken);
        if (user is not null)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"key '{label}' is the signing key of CA '{user}' and cannot be destroyed");
        }

        var info = keys.Get(label);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await audit.AppendAsync(db, [new AuditRecord(actor, AuditActions.KeyDestroyed, label, $"algorithm={info.Algorithm.ToName()}; backend={keys.Backend}")], cancellationToken);
        // Destroy only once the event is written; commit right after. If the commit fails the key is
        // gone but unrecorded — the safer failure for a key meant to die.
        keys.Destroy(label);
        await transaction.CommitAsync(cancellationToken);
    }
}
