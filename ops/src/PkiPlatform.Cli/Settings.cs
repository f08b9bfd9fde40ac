using Microsoft.Extensions.Configuration;

namespace PkiPlatform.Cli;

/// <summary>Binds one configuration section to an options class, refusing unknown keys with the key's name.</summary>
internal static class Settings
{
    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"setting {section}: {ex.Message}", ex);
        }

        return options;
    }
}
