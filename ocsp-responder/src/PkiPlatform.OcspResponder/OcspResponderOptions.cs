namespace PkiPlatform.OcspResponder;

/// <summary>Responder settings (configuration section "Ocsp").</summary>
public sealed class OcspResponderOptions : KeyStore.ISettingsSection
{
    /// <summary>Seconds from thisUpdate to nextUpdate of every response.</summary>
    public int NextUpdateSeconds { get; set; } = 3600;

    /// <summary>How often status changes are polled: a revocation reaches the pre-signed responses within this delay (plus one signature).</summary>
    public int StatusPollSeconds { get; set; } = 2;

    /// <summary>Largest request body accepted (RFC 6960 requests are a few hundred bytes).</summary>
    public int MaxRequestBytes { get; set; } = 10 * 1024;

    /// <summary>RFC 6960 §2.2: answer "revoked" (certificateHold, 1970-01-01) for serials never issued, instead of "unknown".</summary>
    public bool RevokedForNonIssued { get; set; }

    /// <summary>Upper bound, in bytes, of the pre-signed response cache and its request shortcut together (evicts beyond it).</summary>
    public long MaxCacheBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Validity of responder certificates the responder provisions for itself.</summary>
    public int ResponderValidityDays { get; set; } = 4;

    /// <summary>Renew a responder certificate when it has fewer days left than this.</summary>
    public int ResponderRenewBeforeDays { get; set; } = 2;

    /// <summary>Whether this process may issue its own responder certificates (false for read-only replicas).</summary>
    public bool ProvisionResponders { get; set; } = true;

    public void Validate()
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, message);
            }
        }

        Require(NextUpdateSeconds is >= 60 and <= 7 * 24 * 3600, "Ocsp:NextUpdateSeconds must be 60..604800");
        Require(StatusPollSeconds is >= 1 and <= 60, "Ocsp:StatusPollSeconds must be 1..60");
        Require(MaxRequestBytes is >= 512 and <= 1 << 20, "Ocsp:MaxRequestBytes must be 512..1048576");
        Require(MaxCacheBytes is >= 0 and <= 64L * 1024 * 1024 * 1024, "Ocsp:MaxCacheBytes must be 0..68719476736");
        // Delegated responder certificates carry ocsp-nocheck: nobody can check their status, so they live days (RFC 6960 §4.2.2.2.1).
        Require(ResponderValidityDays is >= 2 and <= 7, "Ocsp:ResponderValidityDays must be 2..7 (profile ocsp-signing allows 7)");
        Require(ResponderRenewBeforeDays >= 1 && ResponderRenewBeforeDays < ResponderValidityDays, "Ocsp:ResponderRenewBeforeDays must be 1..ResponderValidityDays-1");
    }
}
