namespace PkiPlatform.KeyStore;

/// <summary>Stable error codes shared by every core library (see <see cref="PkiException"/>).</summary>
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
    public const string BadCsr = "csr.malformed";
    public const string CsrSignature = "csr.bad_signature";
    public const string ProfileViolation = "profile.violation";
    public const string UnknownProfile = "profile.unknown";
    public const string InvalidProfile = "profile.invalid";
    public const string LintFailed = "lint.failed";
    public const string NotInitialised = "ca.not_initialised";
    public const string AlreadyInitialised = "ca.already_initialised";
    public const string UnknownSerial = "ca.unknown_serial";
    public const string AlreadyRevoked = "ca.already_revoked";
    public const string NotOnHold = "ca.not_on_hold";
    public const string InvalidArgument = "argument.invalid";
    public const string SubjectReserved = "ca.subject_reserved";
    public const string UnknownAccount = "account.unknown";
    public const string AccountExists = "account.exists";
    public const string ProfileAudience = "profile.audience";
    public const string Storage = "storage.failure";
    public const string CmsMalformed = "cms.malformed";
    public const string CmsWrongContentType = "cms.wrong_content_type";
    public const string CmsContentMissing = "cms.content_missing";
    public const string CmsUnsupportedAlgorithm = "cms.unsupported_algorithm";
    public const string CmsTooLarge = "cms.too_large";
    public const string CmsNotRecipient = "cms.not_recipient";
    public const string ServiceKeyForbidden = "token.key_forbidden";
    public const string ServiceKeyNotFound = "token.key_not_found";
}
