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
    public CertificateAuthority(CaDatabase database, IKeyStore keys, ProfileCatalog profiles, CaOptions options, TimeProvider clock, string publishDirectory)
    {
        Database = database;
        Keys = keys;
        Profiles = profiles;
        Options = options;
        var audit = new AuditTrail(clock);
        Audit = audit;
        Authorities = new AuthorityDirectory(database, keys, options.IssuingAuthority);
        Initializer = new AuthorityInitializer(database, keys, options, audit, clock);
        Accounts = new AccountDirectory(database, audit, clock);
        Issuer = new CertificateIssuer(database, Authorities, new IssuancePreparer(profiles, options, clock, CertificateLinter.Default), audit, Accounts, clock);
        Revocations = new RevocationService(database, Authorities, audit, clock);
        Crls = new CrlService(database, Authorities, options, audit, clock, publishDirectory);
        KeyCustody = new KeyCustody(database, keys, audit);
        ServiceCertificates = new ServiceCertificates(keys, KeyCustody, Issuer);
        StaleIntents = new StaleIntents(database, audit, clock);
        AuditCheckpoints = new AuditCheckpoints(database, keys, KeyCustody, clock);
    }

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
}
