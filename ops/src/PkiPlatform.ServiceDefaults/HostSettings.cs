using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using PkiPlatform.KeyStore;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// One way every host (pki up and the four zone hosts) reads its settings: the data directory's pki.json as a
/// configuration source, overridden by environment variables (<c>Ocsp__MaxCacheBytes=…</c>) and then by arguments
/// (<c>--Ocsp:MaxCacheBytes=…</c>); each section bound with unknown keys refused and validated at start, before
/// anything listens, with an error naming the key to fix.
/// </summary>
public static class HostSettings
{
    /// <summary>Adds pki.json below the environment and command-line sources (which keep precedence).</summary>
    public static void AddPkiJson(IConfigurationBuilder configuration, string path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var json = new JsonConfigurationSource { Path = Path.GetFullPath(path), Optional = true, ReloadOnChange = false };
        json.ResolveFileProvider();
        var sources = configuration.Sources;
        var index = 0;
        while (index < sources.Count && sources[index] is not (EnvironmentVariablesConfigurationSource or CommandLineConfigurationSource))
        {
            index++;
        }

        sources.Insert(index, json);
    }

    /// <summary>Binds one section; an unknown key, a value of the wrong type or one <see cref="ISettingsSection.Validate"/> refuses is an error naming it.</summary>
    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"setting {section}: {ex.Message}", ex);
        }

        (options as ISettingsSection)?.Validate();
        return options;
    }
}
