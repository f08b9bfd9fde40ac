using PkiPlatform.CaCore.Hosting;

namespace PkiPlatform.Cli;

/// <summary>Writes every CA certificate as DER (.crt, the AIA caIssuers form) and PEM, plus chain.pem.</summary>
internal static class CaPublisher
{
    public static async Task PublishAsync(PkiRuntime runtime, CancellationToken cancellationToken)
    {
        var directory = runtime.Data.CaDirectory;
        Directory.CreateDirectory(directory);
        var authorities = await runtime.Ca.Authorities.AllAsync(cancellationToken);
        foreach (var authority in authorities)
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, authority.Name + ".crt"), authority.Entity.CertificateDer, cancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory, authority.Name + ".pem"), Pem.Encode("CERTIFICATE", authority.Entity.CertificateDer), cancellationToken);
        }

        // Leaf-first order, as TLS servers and `certtool --verify` expect.
        var chain = string.Concat(authorities.OrderByDescending(a => a.Id).Select(a => Pem.Encode("CERTIFICATE", a.Entity.CertificateDer)));
        await File.WriteAllTextAsync(Path.Combine(directory, "chain.pem"), chain, cancellationToken);
    }

}
