using PkiPlatform.CaCore.Accounts;
using PkiPlatform.CaCore.Audit;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Crl;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Keys;
using PkiPlatform.CaCore.Lint;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore;

/// <summary>
/// The CA's services wired together over one database and one key store. Hosts and the CLI build one
/// per process; it owns neither the database nor the key store.
/// </summary>
public sealed class CertificateAuthority
{
    private readonly TimeProvider _clock;

    /// <summary>The clock every component composed over this CA reads (tests give a fake one).</summary>
    public TimeProvider Clock => _clock;
    private readonly string _publishDirectory;

    public CertificateAuthority(CaDatabase database, IKeyStore keys, ProfileCatalog profiles, CaOptions options, TimeProvider clock, string publishDirectory)
    {
        _clock = clock;
        _publishDirectory = publishDirectory;
        Database = database;
        Keys = keys;
        Profiles = profiles;
        Options = options;
        var audit = new AuditTrail(clock);
        Audit = audit;
        Authorities = new AuthorityDirectory(database, keys, options.IssuingAuthority);
        Initializer = new AuthorityInitializer(database, keys, options, audit, clock);
        Accounts = new AccountDirectory(database, audit, clock, profiles.All.Where(p => p.KmcKeysOnly).Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
        Issuer = new CertificateIssuer(database, Authorities, new IssuancePreparer(profiles, options, clock, CertificateLinter.Default), audit, Accounts, clock);
        Revocations = new RevocationService(database, Authorities, audit, clock);
        Crls = new CrlService(database, Authorities, options, audit, clock, publishDirectory);
        KeyCustody = new KeyCustody(database, keys, audit);
        // A zone without CA keys (OCSP, token service) asks the CA zone for its service certificates through the database queue.
        ServiceCertificates = new ServiceCertificates(keys, KeyCustody, Issuer, database, clock, direct: keys is not ZonedKeyStore { Zone.HoldsCaKeys: false });
        StaleIntents = new StaleIntents(database, audit, clock);
        AuditCheckpoints = new AuditCheckpoints(database, keys, KeyCustody, clock);
    }

    /// <summary>The same CA (database, profiles, options) as one security zone sees it: only that zone's keys (issue 10).</summary>
    public CertificateAuthority InZone(KeyZone zone) =>
        new(Database, new ZonedKeyStore(Keys is ZonedKeyStore zoned ? throw new InvalidOperationException($"already the {zoned.Zone.Name} zone") : Keys, zone),
            Profiles, Options, _clock, _publishDirectory);

    public CaDatabase Database { get; }

    public IKeyStore Keys { get; }

    public ProfileCatalog Profiles { get; }

    public CaOptions Options { get; }

    public AuditTrail Audit { get; }

    public AuthorityDirectory Authorities { get; }

    public AuthorityInitializer Initializer { get; }

    public CertificateIssuer Issuer { get; }

    public AccountDirectory Accounts { get; }

    public RevocationService Revocations { get; }

    public CrlService Crls { get; }

    public KeyCustody KeyCustody { get; }

    public ServiceCertificates ServiceCertificates { get; }

    public StaleIntents StaleIntents { get; }

    public AuditCheckpoints AuditCheckpoints { get; }

    /// <summary>
    /// Appends one event in a transaction of its own: for a change made in another store (OpenIddict's tables, the
    /// KMC's) that is committed first; the event follows it.
    /// </summary>
    public async Task AuditAfterAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await using var db = Database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await Audit.AppendAsync(db, [record], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
