using NUnit.Framework;

namespace PkiPlatform.TestKit;

/// <summary>Conformance data that is not ours, in ../shared/testdata (NIST PKITS, RFC 4134, Bouncy Castle CMS samples).</summary>
public static class SharedTestData
{
    /// <summary>The folder under ../shared/testdata; the test is skipped with a clear message when it is absent.</summary>
    public static string Folder(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "testdata", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            candidate = Path.Combine(directory.FullName, "..", "shared", "testdata", name);
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        Assert.Ignore($"conformance data shared/testdata/{name} is not present next to the repository; tests that need it are skipped");
        return "";
    }
}
