namespace PkiPlatform.CaCore.Storage;

/// <summary>One link of the hash-chained audit trail. Rows are only ever inserted.</summary>
public sealed class AuditEventEntity
{
    /// <summary>1, 2, 3…: assigned by the trail, never by the database, so gaps are visible.</summary>
    public long Sequence { get; set; }

    public DateTime Timestamp { get; set; }

    public string Actor { get; set; } = "";

    public string Action { get; set; } = "";

    public string Target { get; set; } = "";

    public string Details { get; set; } = "";

    public byte[] PreviousHash { get; set; } = [];

    public byte[] Hash { get; set; } = [];
}
