using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.CaCore.Revocation;
using PkiPlatform.CaCore.Storage;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki show SERIAL</c>: one certificate's record and PEM.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var serial = new Argument<string>("serial") { Description = "Serial in hex" };
        var command = new Command("show", "Show one certificate") { serial };
        command.SetRun(async (result, cancellationToken) =>
        {
            var canonical = SerialNumbers.Normalize(result.GetValue(serial)!);
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await using var db = runtime.Ca.Database.CreateContext();
            var row = await db.Certificates.AsNoTracking()
                .Where(c => c.Serial == canonical && c.Status != CertificateStatus.Intent)
                .Join(db.Authorities, c => c.AuthorityId, a => a.Id, (c, a) => new { Certificate = c, Issuer = a.Name })
                .FirstOrDefaultAsync(cancellationToken)
                ?? throw new PkiException(PkiPlatform.CaCore.CaErrorCodes.UnknownSerial, $"no certificate with serial {canonical}");
            var c = row.Certificate;
            Console.WriteLine($"serial:     {c.Serial}");
            Console.WriteLine($"issuer:     {row.Issuer}");
            Console.WriteLine($"subject:    {c.SubjectDn}");
            Console.WriteLine($"profile:    {c.Profile}");
            Console.WriteLine($"validity:   {c.NotBefore:u} .. {c.NotAfter:u}");
            Console.WriteLine($"status:     {ListCommand.StatusName(c.Status)}");
            if (c.RevokedAt is { } revokedAt)
            {
                Console.WriteLine($"revoked:    {revokedAt:u} reason {((RevocationReason)c.RevocationReason!).ToName()}" +
                    (c.InvalidityDate is { } d ? $", invalid since {d:u}" : ""));
            }

            Console.Write(Pem.Encode("CERTIFICATE", c.Der));
            return 0;
        });
        return command;
    }
}
