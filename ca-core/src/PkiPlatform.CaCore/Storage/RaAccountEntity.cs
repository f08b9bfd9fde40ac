namespace PkiPlatform.CaCore.Storage;

/// <summary>An RA account: a role bound to a certificate identity (the subject DN of the USB-key certificate).</summary>
public sealed class RaAccountEntity
{
    public int Id { get; set; }

    public string Identity { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public RaRole Role { get; set; }

    public bool Active { get; set; } = true;

    public DateTime CreatedAt { get; set; }
}
