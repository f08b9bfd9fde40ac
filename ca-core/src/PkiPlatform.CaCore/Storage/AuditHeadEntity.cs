namespace PkiPlatform.CaCore.Storage;

/// <summary>
/// The single row that names the chain's last link. Writers lock it first, which serialises
/// appends across processes and lets verification notice a deleted tail.
/// </summary>
public sealed class AuditHeadEntity
{
    public int Id { get; set; }

    public long Sequence { get; set; }

    public byte[] Hash { get; set; } = [];
}
