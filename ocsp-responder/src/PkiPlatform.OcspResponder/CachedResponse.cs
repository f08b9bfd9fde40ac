using Org.BouncyCastle.Ocsp;

namespace PkiPlatform.OcspResponder;

/// <summary>The pre-signed answer for one CertID; its snapshot is replaced whole when re-signed.</summary>
public sealed class CachedResponse(ResponderIdentity responder, CertificateID id, string serial)
{
    private volatile ResponseSnapshot? _snapshot;

    public ResponderIdentity Responder { get; } = responder;

    public CertificateID Id { get; } = id;

    public string Serial { get; } = serial;

    public ResponseSnapshot? Snapshot
    {
        get => _snapshot;
        set => _snapshot = value;
    }
}
