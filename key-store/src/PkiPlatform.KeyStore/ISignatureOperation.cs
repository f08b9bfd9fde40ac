namespace PkiPlatform.KeyStore;

/// <summary>One signature in progress: feed data, then <see cref="Complete"/> once.</summary>
public interface ISignatureOperation : IDisposable
{
    void Update(ReadOnlySpan<byte> data);

    byte[] Complete();
}
