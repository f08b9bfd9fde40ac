using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.Kmc;

/// <summary>
/// The key management centre (issue 13; GM/T 0014 / 0034): generates encryption key pairs (from its pool), archives each
/// private key encrypted under its master key, hands the CA only the public key (its SubjectPublicKeyInfo) and,
/// once the certificate exists, the key enveloped for the applicant's signing certificate; releases an archived key
/// only after two distinct key-recovery officers approved, and only enveloped for a named certificate.
/// </summary>
public sealed partial class KeyManagementCentre : IEncryptionKeySource, IDisposable
{
    public const string MasterKeyPrefix = "kmc-master-";

    private readonly CertificateAuthority _ca;
    private readonly KmcStore _store;
    private readonly KmcOptions _options;
    private readonly byte[] _masterKey;
    private readonly string _masterLabel;

    public KeyManagementCentre(CertificateAuthority ca, KmcOptions options)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RecoveryApprovals < 2)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "Kmc:RecoveryApprovals: at least 2 (two distinct key-recovery officers)");
        }

        if (options.RecoveryExpiryHours < 1)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, "Kmc:RecoveryExpiryHours: at least 1 (hours a pending key recovery waits for its approvals)");
        }

        var minimum = (int)(2 * IEncryptionKeySource.GrantUseWithin.TotalSeconds);
        if (options.ReservationTimeoutSeconds < minimum)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"Kmc:ReservationTimeoutSeconds: at least {minimum} (twice the {IEncryptionKeySource.GrantUseWithin.TotalSeconds:F0} s within which the CA records the certificates of a granted key)");
        }

        _ca = ca;
        _options = options;
        _store = new KmcStore(ca.Database, ca.Audit);
        (_masterKey, _masterLabel) = WrappedSecret.Load(ca.Keys, ca.Clock, MasterKeyPrefix, options.MasterKeyFile, "KMC master key (every archived encryption key)");
        Pool = new KeyPairPool(options.PoolSizes, options.RefillWorkers > 0 ? options.RefillWorkers : null);
    }

    public KeyPairPool Pool { get; }

    public KmcStore Store => _store;

    /// <summary>Migrates the kmc_ tables (or, with <paramref name="migrate"/> false, checks they are current) and starts the pool's refill.</summary>
    public async Task InitializeAsync(bool migrate = true, CancellationToken cancellationToken = default)
    {
        await (migrate ? _store.MigrateAsync(cancellationToken) : _store.EnsureCurrentAsync(cancellationToken));
        Pool.Start();
    }

    public async Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(applications);
        var now = _ca.Clock.GetUtcNow().UtcDateTime;
        var rows = new ArchivedKeyEntity[applications.Count];
        var grants = new EncryptionKeyGrant[applications.Count];
        var records = new AuditRecord[applications.Count];
        void Archive(int i)
        {
            var application = applications[i];
            _ = MalformedInput.Parse(() => X509Name.GetInstance(application.Subject), PkiErrorCodes.InvalidArgument, "the subject is not a DER Name");
            var pair = Pool.Take(application.Algorithm);
            var spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(pair.Public).GetDerEncoded();
            var keyId = Guid.NewGuid().ToString("N");
            var hash = Convert.ToHexStringLower(SHA256.HashData(spki));
            rows[i] = new ArchivedKeyEntity
            {
                KeyId = keyId, Algorithm = application.Algorithm.ToName(), PublicKeyInfo = spki, PublicKeyHash = hash, Ciphertext = Encrypt(pair, keyId, hash),
                MasterKeyLabel = _masterLabel, Status = ArchivedKeyStatus.Reserved, Reference = application.Reference, CreatedAt = now,
            };
            grants[i] = new EncryptionKeyGrant(keyId, spki); // the public key, as GM/T 0014's key response: the CA certifies it for the subject it sent
            records[i] = new AuditRecord(application.Actor, KmcAuditActions.KeyArchived, $"kmc/{keyId}",
                $"algorithm={application.Algorithm.ToName()}; for={application.Reference}; spki-sha256={hash}; master={_masterLabel}");
        }

        Run(applications.Count, Archive);
        return await _store.ChangeAsync<IReadOnlyList<EncryptionKeyGrant>>((kmc, _) =>
        {
            kmc.Keys.AddRange(rows);
            return Task.FromResult<(IReadOnlyList<EncryptionKeyGrant>, IReadOnlyList<AuditRecord>)>((grants, records));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confirmations);
        var recipients = confirmations.Select(c => MalformedInput.Parse(() => new X509CertificateParser().ReadCertificate(c.SigningCertificate), PkiErrorCodes.InvalidArgument, "the signing certificate is not DER")
            ?? throw new PkiException(PkiErrorCodes.InvalidArgument, "the signing certificate is empty")).ToList();
        return await _store.ChangeAsync<IReadOnlyList<EncryptionKeyEnvelope>>(async (kmc, db) =>
        {
            var ids = confirmations.Select(c => c.KeyId).ToList();
            var keys = (await kmc.Keys.Where(k => ids.Contains(k.KeyId)).ToListAsync(cancellationToken)).ToDictionary(k => k.KeyId, StringComparer.Ordinal);
            // The certificates the CA names must exist and carry these very public keys.
            // By (authority, serial), the certificates' unique index: the serials alone would scan the whole table.
            var serials = confirmations.Select(c => c.EncryptionSerial).ToList();
            var names = confirmations.Select(c => c.Authority).Distinct(StringComparer.Ordinal).ToList();
            var authorities = await db.Authorities.AsNoTracking().Where(a => names.Contains(a.Name)).ToDictionaryAsync(a => a.Id, a => a.Name, cancellationToken);
            var authorityIds = authorities.Keys.ToList();
            var certificates = await db.Certificates.AsNoTracking().Where(c => authorityIds.Contains(c.AuthorityId) && serials.Contains(c.Serial) && c.Der != null)
                .Select(c => new { c.AuthorityId, c.Serial, c.Der }).ToListAsync(cancellationToken);
            var found = certificates.ToDictionary(c => (authorities[c.AuthorityId], c.Serial), c => c.Der!);
            var now = _ca.Clock.GetUtcNow().UtcDateTime;
            var envelopes = new EncryptionKeyEnvelope[confirmations.Count];
            var records = new AuditRecord[confirmations.Count];
            var checkedKeys = confirmations.Select((c, i) =>
            {
                var key = keys.GetValueOrDefault(c.KeyId) ?? throw new PkiException(KmcErrorCodes.UnknownKey, $"the KMC has no key {c.KeyId}");
                if (key.Status != ArchivedKeyStatus.Reserved)
                {
                    throw new PkiException(KmcErrorCodes.KeyState, $"key {c.KeyId} is {key.Status}, not reserved for an issuance");
                }

                if (!found.TryGetValue((c.Authority, c.EncryptionSerial), out var der) || SpkiHash(der) != key.PublicKeyHash)
                {
                    throw new PkiException(KmcErrorCodes.KeyState, $"certificate {c.Authority}/{c.EncryptionSerial} does not exist or is not for key {key.KeyId}");
                }

                return key;
            }).ToList();
            Run(confirmations.Count, i =>
            {
                envelopes[i] = KeyEnvelopes.Seal(Decrypt(checkedKeys[i]), recipients[i]);
                records[i] = new AuditRecord("kmc", KmcAuditActions.KeyActivated, $"kmc/{checkedKeys[i].KeyId}",
                    $"certificate={confirmations[i].Authority}/{confirmations[i].EncryptionSerial}; envelope={envelopes[i].Format} for {recipients[i].SubjectDN} serial {SerialNumbers.ToHex(recipients[i].SerialNumber.ToByteArrayUnsigned())}");
            });
            for (var i = 0; i < confirmations.Count; i++)
            {
                var key = checkedKeys[i];
                key.Status = ArchivedKeyStatus.Active;
                key.Authority = confirmations[i].Authority;
                key.CertificateSerial = confirmations[i].EncryptionSerial;
                key.ActivatedAt = now; // tracked: only the changed columns are written
            }

            return (envelopes, records);
        }, cancellationToken);
    }

    public async Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyIds);
        await _store.ChangeAsync<bool>(async (kmc, _) =>
        {
            var keys = await kmc.Keys.Where(k => keyIds.Contains(k.KeyId) && k.Status == ArchivedKeyStatus.Reserved).ToListAsync(cancellationToken);
            foreach (var key in keys)
            {
                End(kmc, key, ArchivedKeyStatus.Abandoned, reason);
            }

            return (true, keys.Select(k => new AuditRecord("kmc", KmcAuditActions.KeyAbandoned, $"kmc/{k.KeyId}", $"no certificate: {reason}; ciphertext erased")).ToList());
        }, cancellationToken);
    }

    /// <summary>
    /// Keeps the archive consistent with the CA's records: a key reserved longer than the timeout becomes active if its
    /// certificate exists (the KMC stopped between issuance and confirmation), else it is abandoned and erased; an
    /// active key whose certificate was revoked for key compromise is marked (recoverable, never reissued).
    /// </summary>
    public async Task<(int Activated, int Abandoned, int Compromised)> SweepAsync(CancellationToken cancellationToken = default)
    {
        var cutoff = _ca.Clock.GetUtcNow().UtcDateTime.AddSeconds(-_options.ReservationTimeoutSeconds);
        var encryptionProfiles = _ca.Profiles.All.Where(p => p.KmcKeysOnly).Select(p => p.Name).ToList();
        return await _store.ChangeAsync<(int, int, int)>(async (kmc, db) =>
        {
            var records = new List<AuditRecord>();
            int activated = 0, abandoned = 0, compromised = 0;
            var stale = await kmc.Keys.Where(k => k.Status == ArchivedKeyStatus.Reserved && k.CreatedAt < cutoff).OrderBy(k => k.Id).Take(500).ToListAsync(cancellationToken);
            foreach (var key in stale)
            {
                // Five minutes' allowance for the clocks of the CA and KMC hosts.
                var since = key.CreatedAt.AddMinutes(-5);
                // Read before the certificates: the CA records a granted key's certificate intents within GrantUseWithin of
                // asking and completes only open intents, so an intent of an encryption profile recorded in that window and
                // still open may yet become this key's certificate. Then the reservation is kept for a later sweep, by which
                // the intent has been stored (activated then) or dropped by the CA's recovery after its lease (abandoned
                // then); with none, no certificate can appear for it any more. Never a certificate for an erased key.
                var until = key.CreatedAt + IEncryptionKeySource.GrantUseWithin + TimeSpan.FromMinutes(5);
                var intentOpen = await db.Certificates.AsNoTracking()
                    .AnyAsync(c => encryptionProfiles.Contains(c.Profile) && c.Status == CertificateStatus.Intent && c.CreatedAt >= since && c.CreatedAt <= until, cancellationToken);
                var candidates = await db.Certificates.AsNoTracking()
                    .Where(c => encryptionProfiles.Contains(c.Profile) && c.CreatedAt >= since && c.Der != null)
                    .Select(c => new { c.AuthorityId, c.Serial, c.Der }).ToListAsync(cancellationToken);
                var match = candidates.FirstOrDefault(c => SpkiHash(c.Der!) == key.PublicKeyHash);
                if (match is not null)
                {
                    var authority = await db.Authorities.Where(a => a.Id == match.AuthorityId).Select(a => a.Name).SingleAsync(cancellationToken);
                    key.Status = ArchivedKeyStatus.Active;
                    key.Authority = authority;
                    key.CertificateSerial = match.Serial;
                    key.ActivatedAt = _ca.Clock.GetUtcNow().UtcDateTime;
                    kmc.Keys.Update(key);
                    records.Add(new AuditRecord("kmc", KmcAuditActions.KeyActivated, $"kmc/{key.KeyId}", $"certificate={authority}/{match.Serial}; found by reconciliation"));
                    activated++;
                }
                else if (!intentOpen)
                {
                    End(kmc, key, ArchivedKeyStatus.Abandoned, "no certificate was issued for it");
                    records.Add(new AuditRecord("kmc", KmcAuditActions.KeyAbandoned, $"kmc/{key.KeyId}", "no certificate after the reservation timeout; ciphertext erased"));
                    abandoned++;
                }
            }

            var compromisedSerials = await db.Certificates.AsNoTracking()
                .Where(c => encryptionProfiles.Contains(c.Profile) && c.Status == CertificateStatus.Revoked && c.RevocationReason == (int)RevocationReason.KeyCompromise)
                .Join(db.Authorities, c => c.AuthorityId, a => a.Id, (c, a) => new { a.Name, c.Serial }).ToListAsync(cancellationToken);
            if (compromisedSerials.Count > 0)
            {
                var serials = compromisedSerials.Select(c => c.Serial).ToList();
                var active = await kmc.Keys.Where(k => k.Status == ArchivedKeyStatus.Active && serials.Contains(k.CertificateSerial!)).ToListAsync(cancellationToken);
                foreach (var key in active.Where(k => compromisedSerials.Any(c => c.Name == k.Authority && c.Serial == k.CertificateSerial)))
                {
                    key.Status = ArchivedKeyStatus.Compromised;
                    kmc.Keys.Update(key);
                    records.Add(new AuditRecord("kmc", KmcAuditActions.KeyCompromised, $"kmc/{key.KeyId}", $"certificate {key.Authority}/{key.CertificateSerial} revoked for keyCompromise: recoverable, never reissued"));
                    compromised++;
                }
            }

            return ((activated, abandoned, compromised), records);
        }, cancellationToken);
    }

    /// <summary>One item inline, several in parallel; a refusal surfaces as itself, not wrapped in an AggregateException.</summary>
    private static void Run(int count, Action<int> body)
    {
        if (count == 1)
        {
            body(0);
            return;
        }

        try
        {
            Parallel.For(0, count, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.FirstOrDefault(e => e is PkiException) is PkiException refusal)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(refusal).Throw();
        }
    }

    private static string SpkiHash(byte[] certificateDer) =>
        Convert.ToHexStringLower(SHA256.HashData(X509CertificateStructure.GetInstance(certificateDer).SubjectPublicKeyInfo.GetDerEncoded()));

    private void End(KmcDbContext kmc, ArchivedKeyEntity key, ArchivedKeyStatus status, string reason)
    {
        CryptographicOperations.ZeroMemory(key.Ciphertext);
        key.Ciphertext = [];
        key.Status = status;
        key.EndedAt = _ca.Clock.GetUtcNow().UtcDateTime;
        key.EndReason = reason.Length > 400 ? reason[..400] : reason;
        kmc.Keys.Update(key);
    }

    /// <summary>AES-256-GCM under the master key, bound to the key's identifier and public key (a row's ciphertext cannot be moved to another).</summary>
    private byte[] Encrypt(AsymmetricCipherKeyPair pair, string keyId, string spkiHash)
    {
        var plain = PrivateKeyInfo(pair).GetDerEncoded();
        try
        {
            var output = new byte[12 + 16 + plain.Length];
            RandomNumberGenerator.Fill(output.AsSpan(0, 12));
            using var gcm = new AesGcm(_masterKey, 16);
            gcm.Encrypt(output.AsSpan(0, 12), plain, output.AsSpan(28), output.AsSpan(12, 16), Aad(keyId, spkiHash));
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// The RFC 5958 PrivateKeyInfo of a pair; for EC keys the RFC 5915 ECPrivateKey carries the public key from the pair
    /// (BouncyCastle's factory would recompute it from d, one scalar multiplication per archived key).
    /// </summary>
    private static PrivateKeyInfo PrivateKeyInfo(AsymmetricCipherKeyPair pair)
    {
        if (pair.Private is ECPrivateKeyParameters { PublicKeyParamSet: { } curve } ec && pair.Public is ECPublicKeyParameters pub)
        {
            var parameters = new X962Parameters(curve);
            return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.IdECPublicKey, parameters),
                new ECPrivateKeyStructure(ec.Parameters.N.BitLength, ec.D, new DerBitString(pub.Q.GetEncoded(false)), parameters));
        }

        return PrivateKeyInfoFactory.CreatePrivateKeyInfo(pair.Private);
    }

    private AsymmetricCipherKeyPair Decrypt(ArchivedKeyEntity key)
    {
        if (key.Ciphertext.Length < 29)
        {
            throw new PkiException(KmcErrorCodes.KeyState, $"key {key.KeyId} has no ciphertext (it was {key.Status})");
        }

        if (key.MasterKeyLabel != _masterLabel)
        {
            throw new PkiException(KmcErrorCodes.KeyState, $"key {key.KeyId} is under master key {key.MasterKeyLabel}; this KMC holds {_masterLabel}");
        }

        var plain = new byte[key.Ciphertext.Length - 28];
        try
        {
            using var gcm = new AesGcm(_masterKey, 16);
            gcm.Decrypt(key.Ciphertext.AsSpan(0, 12), key.Ciphertext.AsSpan(28), key.Ciphertext.AsSpan(12, 16), plain, Aad(key.KeyId, key.PublicKeyHash));
            return new AsymmetricCipherKeyPair(PublicKeyFactory.CreateKey(key.PublicKeyInfo), PrivateKeyFactory.CreateKey(plain));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new PkiException(KmcErrorCodes.KeyState, $"the archived ciphertext of key {key.KeyId} does not decrypt under the master key: it was altered or moved", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Aad(string keyId, string spkiHash) => System.Text.Encoding.ASCII.GetBytes($"pki-kmc-v1|{keyId}|{spkiHash}");

    public void Dispose()
    {
        Pool.Dispose();
        CryptographicOperations.ZeroMemory(_masterKey);
    }
}
