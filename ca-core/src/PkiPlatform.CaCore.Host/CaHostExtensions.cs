using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Host;

/// <summary>
/// <c>AddCertificateAuthorityZone()</c>: what only the CA zone runs — the issuance worker (claims approved RA
/// requests and the platform's service-certificate requests from the database, issues, revokes) and the CRL
/// schedule. Used by the CA host and by <c>pki up</c>; no other host registers it, and no listener takes instructions.
/// </summary>
public static class CaHostExtensions
{
    public static IServiceCollection AddCertificateAuthorityZone(this IServiceCollection services, CertificateAuthority ca)
    {
        if (ca.Keys is ZonedKeyStore { Zone.HoldsCaKeys: false } zoned)
        {
            throw new PkiException(PkiErrorCodes.KeyOutsideZone, $"the CA zone's services were given the {zoned.Zone.Name} zone's key store, which holds no CA key");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InProcessIssuanceSignal>();
        services.TryAddSingleton<IIssuanceSignal>(sp => sp.GetRequiredService<InProcessIssuanceSignal>());
        services.AddSingleton(sp => new IssuanceWorker(ca, sp.GetRequiredService<TimeProvider>()) { EncryptionKeys = sp.GetService<IEncryptionKeySource>() });
        services.AddHostedService(sp => new IssuanceWorkerService(sp.GetRequiredService<IssuanceWorker>(), sp.GetRequiredService<IIssuanceSignal>(), ca,
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<IssuanceWorkerService>>()));
        services.AddHostedService(sp => new CrlScheduleService(ca, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CrlScheduleService>>()));
        return services;
    }
}
