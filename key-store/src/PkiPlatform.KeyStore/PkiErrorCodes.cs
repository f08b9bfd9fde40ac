namespace PkiPlatform.KeyStore;

/// <summary>Stable error codes of the key store and of every component (argument, storage, internal); see <see cref="PkiException"/>.</summary>
public static class PkiErrorCodes
{
    public const string Internal = "internal";
    public const string KeyNotFound = "keystore.key_not_found";
    public const string KeyExists = "keystore.key_exists";
    public const string KeyOutsideZone = "keystore.outside_zone";
    public const string WrongPassphrase = "keystore.wrong_passphrase";
    public const string CorruptKey = "keystore.corrupt_key";
    public const string UnsupportedAlgorithm = "keystore.unsupported_algorithm";
    public const string InvalidLabel = "keystore.invalid_label";
    public const string WrongPin = "hsm.wrong_pin";
    public const string TokenNotFound = "hsm.token_not_found";
    public const string ModuleNotFound = "hsm.module_not_found";
    public const string HsmFailure = "hsm.failure";
    public const string InvalidArgument = "argument.invalid";
    public const string Storage = "storage.failure";

    /// <summary>These codes with their HTTP status, for the hosts' error-code registry.</summary>
    public static readonly IReadOnlyList<PkiErrorCode> Catalog =
    [
        new(Internal, 500),
        new(KeyNotFound, 404),
        new(KeyExists, 409),
        new(KeyOutsideZone, 500),
        new(WrongPassphrase, 500),
        new(CorruptKey, 500),
        new(UnsupportedAlgorithm, 500),
        new(InvalidLabel, 500),
        new(WrongPin, 500),
        new(TokenNotFound, 500),
        new(ModuleNotFound, 500),
        new(HsmFailure, 500),
        new(InvalidArgument, 400),
        new(Storage, 500),
    ];
}
