using System.CommandLine;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.KeyStore;
using PkiPlatform.TokenService;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki service-key create|list|disable</c>: keys the token service holds for business systems, each bound to
/// one registered business-system account (<c>system:NAME</c>, see <c>pki account</c>) and one purpose.
/// </summary>
internal static class ServiceKeyCommand
{
    public static Command Create()
    {
        var owner = new Option<string>("--owner") { Description = "The owning business-system account, e.g. system:pension (register it with pki account register)", Required = true };
        var usage = new Option<string>("--usage") { Description = "sign | decrypt", Required = true };
        var subject = new Option<string>("--subject") { Description = "Subject DN of the key's certificate (profile system-signing / system-encryption: CN and O required)", Required = true };
        var algorithm = new Option<string>("--algorithm") { Description = KeyAlgorithmNames.Accepted, DefaultValueFactory = _ => "ec-p256" };
        var days = new Option<int>("--days") { Description = "Certificate validity (profile maximum 1095)", DefaultValueFactory = _ => 365 };
        var create = new Command("create", "Generate a key in the key store, issue its certificate, bind it to a system") { owner, usage, subject, algorithm, days };
        create.SetRun(async (result, cancellationToken) =>
        {
            var purpose = result.GetValue(usage) switch
            {
                "sign" => ServiceKeyUsage.Sign,
                "decrypt" => ServiceKeyUsage.Decrypt,
                var other => throw new PkiException(PkiErrorCodes.InvalidArgument, $"--usage must be sign or decrypt, not '{other}'"),
            };
            var key = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            X509Name name;
            try
            {
                name = new X509Name(result.GetValue(subject)!);
            }
            catch (ArgumentException ex)
            {
                throw new PkiException(PkiErrorCodes.InvalidArgument, $"--subject is not a distinguished name: {ex.Message}", ex);
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var created = await new ServiceKeys(runtime.Ca, TimeProvider.System).CreateAsync(result.GetValue(owner)!, purpose, key, name, result.GetValue(days), CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"created {created.KeyLabel} ({created.Usage}, {key.ToName()}) for {created.Owner}; certificate serial {created.Serial}, valid until {created.NotAfter:yyyy-MM-dd}");
            Console.Write(Pem.Encode("CERTIFICATE", created.CertificateDer));
            return 0;
        });

        var ownerFilter = new Option<string?>("--owner") { Description = "Only this system's keys (system:NAME)" };
        var list = new Command("list", "List service keys") { ownerFilter };
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            foreach (var key in await new ServiceKeys(runtime.Ca, TimeProvider.System).ListAllAsync(result.GetValue(ownerFilter), cancellationToken))
            {
                var state = key.DisabledAt is { } disabled ? $"disabled {disabled:yyyy-MM-dd}" : $"until {key.NotAfter:yyyy-MM-dd}";
                Console.WriteLine($"{key.KeyLabel,-32} {key.Usage,-8} {state,-20} {key.Owner}");
            }

            return 0;
        });

        var label = new Argument<string>("label") { Description = "Service key label" };
        var disable = new Command("disable", "Take a key out of service and revoke its certificate (the key itself is kept)") { label };
        disable.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await new ServiceKeys(runtime.Ca, TimeProvider.System).DisableAsync(result.GetValue(label)!, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"disabled {result.GetValue(label)}; its certificate is revoked (cessationOfOperation)");
            return 0;
        });

        return new Command("service-key", "Keys the token service holds for business systems") { create, list, disable };
    }
}
