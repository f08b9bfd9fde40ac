namespace PkiPlatform.CaCore.Storage;

/// <summary>One officer's approval or rejection of one request; an officer decides a request once.</summary>
public sealed class RaDecisionEntity
{
    public long Id { get; set; }

    public long RequestId { get; set; }

    public string Officer { get; set; } = "";

    public bool Approved { get; set; }

    public string Reason { get; set; } = "";

    public DateTime At { get; set; }
}
