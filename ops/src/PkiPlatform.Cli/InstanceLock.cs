using PkiPlatform.CaCore.Hosting;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli;

/// <summary>
/// An exclusive lock on DATA/pki-up.lock held while <c>pki up</c> runs (an OS file lock: released when the process ends,
/// however it ends). A second <c>pki up</c> on the same data directory is refused in one line.
/// </summary>
internal sealed class InstanceLock : IDisposable
{
    private readonly FileStream _file;

    private InstanceLock(FileStream file) => _file = file;

    public static InstanceLock Acquire(DataDirectory data)
    {
        var path = data.Combine("pki-up.lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new InstanceLock(file);
        }
        catch (IOException)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument,
                $"the data directory {data.Path} is in use by another pki up; stop that one first, or give this one another --data");
        }
    }

    public void Dispose() => _file.Dispose();
}
