namespace PkiPlatform.CaCore.Storage;

/// <summary>Evidence of one issued time-stamp token (RFC 3161): what was stamped, when, for whom.</summary>
public sealed class TimestampRecordEntity
{
    public long Id { get; set; }

    /// <summary>The token's serialNumber, upper-case hex; unique.</summary>
    public string Serial { get; set; } = "";

    public DateTime GenTime { get; set; }

    public string HashAlgorithm { get; set; } = "";

    public string Imprint { get; set; } = "";

    public string Policy { get; set; } = "";

    public string Requester { get; set; } = "";
}
