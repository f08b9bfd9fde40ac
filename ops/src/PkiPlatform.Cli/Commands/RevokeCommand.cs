using System.CommandLine;
using System.Globalization;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki revoke</c> and <c>pki release</c> (end of a certificateHold).</summary>
internal static class RevokeCommand
{
    public static Command Create()
    {
        var serial = new Argument<string>("serial") { Description = "Serial in hex, as 'openssl x509 -serial' prints it" };
        var reason = new Option<string>("--reason") { Description = $"RFC 5280 reason: {RevocationReasons.Accepted}", DefaultValueFactory = _ => "unspecified" };
        var invalidity = new Option<string?>("--invalidity-date") { Description = "When the key was (suspected to be) compromised, ISO 8601 UTC" };
        var command = new Command("revoke", "Revoke a certificate, or put it on hold with --reason certificateHold") { serial, reason, invalidity };
        command.SetRun(async (result, cancellationToken) =>
        {
            var parsedReason = RevocationReasons.Parse(result.GetValue(reason)!);
            DateTime? invalidityDate = null;
            if (result.GetValue(invalidity) is { } text)
            {
                invalidityDate = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw new PkiException(PkiErrorCodes.InvalidArgument, $"--invalidity-date '{text}' is not a date; use e.g. 2026-11-01T08:00:00Z");
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var certificate = await runtime.Ca.Revocations.RevokeAsync(result.GetValue(serial)!, parsedReason, invalidityDate, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"revoked serial={certificate.Serial} reason={parsedReason.ToName()} at {certificate.RevokedAt:u}; publish with 'pki crl' (or 'pki crl --delta')");
            return 0;
        });
        return command;
    }

    public static Command CreateRelease()
    {
        var serial = new Argument<string>("serial") { Description = "Serial in hex of a certificate on hold" };
        var command = new Command("release", "Release a certificate from hold (certificateHold -> valid again)") { serial };
        command.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var certificate = await runtime.Ca.Revocations.ReleaseHoldAsync(result.GetValue(serial)!, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"released serial={certificate.Serial} from hold; the next delta CRL lists it as removeFromCRL");
            return 0;
        });
        return command;
    }
}
