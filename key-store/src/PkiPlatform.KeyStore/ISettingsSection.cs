namespace PkiPlatform.KeyStore;

/// <summary>An options class bound from one configuration section, checked once at start.</summary>
public interface ISettingsSection
{
    /// <summary>Throws a <see cref="PkiException"/> (<see cref="PkiErrorCodes.InvalidArgument"/>) naming the key (<c>Section:Key</c>) and its allowed range.</summary>
    void Validate();
}
