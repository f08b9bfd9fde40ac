using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Kmc.Host;

/// <summary>
/// Composes the key management centre (issue 13) into a host: the KMC with the kmc zone's keys only, offered to the CA
/// worker as its <see cref="IEncryptionKeySource"/>, its pool refilled and its archive reconciled in the background.
/// </summary>
public static class KmcHostExtensions
{
    public static IServiceCollection AddKeyManagementCentre(this IServiceCollection services, CertificateAuthority kmcZone, KmcOptions options)
    {
        ArgumentNullException.ThrowIfNull(kmcZone);
        if (kmcZone.Keys is not ZonedKeyStore { Zone.Name: "kmc" })
        {
            throw new PkiException(PkiErrorCodes.KeyOutsideZone, "the key management centre is given the kmc zone's key store only (CertificateAuthority.InZone(KeyZone.Kmc))");
        }

        ServiceDefaults.PkiProblems.AddPkiErrorCodes(services, KmcErrorCodes.Catalog);
        services.AddSingleton(_ => new KeyManagementCentre(kmcZone, options));
        services.AddSingleton<IEncryptionKeySource>(sp => sp.GetRequiredService<KeyManagementCentre>());
        services.AddHostedService(sp => new KmcSweepService(sp.GetRequiredService<KeyManagementCentre>(), options, sp.GetRequiredService<ILogger<KmcSweepService>>()));
        return services;
    }

    /// <summary>Migrates the kmc_ tables (checks them, with the kmc zone's role) and starts the pool (call before the host serves).</summary>
    public static Task InitializeKeyManagementCentreAsync(this IServiceProvider services, bool migrate = true, CancellationToken cancellationToken = default) =>
        services.GetRequiredService<KeyManagementCentre>().InitializeAsync(migrate, cancellationToken);
}

/// <summary>Runs <see cref="KeyManagementCentre.SweepAsync"/> on a schedule and logs what it changed.</summary>
public sealed class KmcSweepService(KeyManagementCentre kmc, KmcOptions options, ILogger<KmcSweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.SweepSeconds, 1, 3600)));
        do
        {
            try
            {
                var (activated, abandoned, compromised) = await kmc.SweepAsync(stoppingToken);
                if (activated + abandoned + compromised > 0)
                {
                    logger.LogInformation("KMC sweep: {Activated} reserved keys activated, {Abandoned} abandoned and erased, {Compromised} marked compromised", activated, abandoned, compromised);
                }
            }
            catch (Exception ex) when (ex is PkiException or InvalidOperationException or System.Data.Common.DbException)
            {
                logger.LogWarning(ex, "KMC sweep failed; retrying at the next interval");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
