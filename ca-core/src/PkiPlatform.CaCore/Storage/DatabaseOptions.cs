namespace PkiPlatform.CaCore.Storage;

/// <summary>Which database holds the CA's records.</summary>
public sealed class DatabaseOptions
{
    /// <summary>"sqlite" (default, embedded) or "postgres".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string; for SQLite, e.g. <c>Data Source=/var/lib/pki/ca.db</c>.</summary>
    public string ConnectionString { get; set; } = "";
}
