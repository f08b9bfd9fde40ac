using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Hosting;

/// <summary>The data directory's pki.json: where the records and keys are and what goes into certificates.</summary>
public sealed class PkiConfig
{
    public DatabaseOptions Database { get; set; } = new();

    public KeyStoreConfig KeyStore { get; set; } = new();

    public CaOptions Ca { get; set; } = new();
}
