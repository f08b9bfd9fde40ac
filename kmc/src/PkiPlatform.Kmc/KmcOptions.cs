using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc;

/// <summary>Settings of the key management centre ("Kmc" section).</summary>
public sealed class KmcOptions
{
    /// <summary>Pre-generated pairs kept per algorithm (0 turns the pool of that algorithm off).</summary>
    public Dictionary<KeyAlgorithm, int> PoolSizes { get; set; } = new()
    {
        [KeyAlgorithm.Sm2] = 256,
        [KeyAlgorithm.EcP256] = 64,
        [KeyAlgorithm.Rsa2048] = 4,
    };

    /// <summary>Refill tasks per algorithm while the pool is below its size (0: one per core).</summary>
    public int RefillWorkers { get; set; }

    /// <summary>A key reserved for an issuance that has neither completed nor been abandoned after this long is reconciled.</summary>
    public int ReservationTimeoutSeconds { get; set; } = 300;

    /// <summary>How often the reconciliation and key-compromise sweep runs.</summary>
    public int SweepSeconds { get; set; } = 30;

    /// <summary>Distinct key-recovery officers that must approve a release (GM/T 0034 dual control; at least 2).</summary>
    public int RecoveryApprovals { get; set; } = 2;

    /// <summary>A pending recovery not approved within this many hours expires: it must be opened again (default 72).</summary>
    public int RecoveryExpiryHours { get; set; } = 72;

    /// <summary>The wrapped master key (default <see cref="DefaultMasterKeyFile"/>).</summary>
    public string MasterKeyFile { get; set; } = "";

    public static string DefaultMasterKeyFile(PkiPlatform.CaCore.Hosting.DataDirectory data) =>
        (data ?? throw new ArgumentNullException(nameof(data))).Combine("kmc", "master.key");
}
