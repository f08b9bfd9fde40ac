namespace PkiPlatform.CaCore.Storage;

/// <summary>A time-stamping certificate (profile tsa) and the label of its key.</summary>
public sealed class TsaSignerEntity
{
    public int Id { get; set; }

    public int AuthorityId { get; set; }

    public string KeyLabel { get; set; } = "";

    public string Serial { get; set; } = "";

    public byte[] CertificateDer { get; set; } = [];

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public DateTime CreatedAt { get; set; }
}
