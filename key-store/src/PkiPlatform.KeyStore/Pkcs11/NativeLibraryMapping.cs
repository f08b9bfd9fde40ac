using System.Reflection;
using System.Runtime.InteropServices;
using Net.Pkcs11Interop.HighLevelAPI;

namespace PkiPlatform.KeyStore.Pkcs11;

/// <summary>
/// Pkcs11Interop 5.3 P/Invokes "libdl", which Debian 12 ships only as libdl.so.2: map it once per process.
/// </summary>
internal static class NativeLibraryMapping
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name == "libdl" && OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libdl.so.2", out var handle))
        {
            return handle;
        }

        return IntPtr.Zero;
    }
}
