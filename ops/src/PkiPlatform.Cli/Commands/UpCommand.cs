using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Hosting;
using PkiPlatform.OcspResponder;
using PkiPlatform.OcspResponder.Host;
using PkiPlatform.ServiceDefaults;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki up</c>: the platform in one process over the data directory (initialised on first run):
/// today the OCSP responder with CRL and CA-certificate distribution, on the address the
/// configuration writes into AIA and CDP.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = "Listen address (default: scheme, host and port of ca.ocspUrl in pki.json)" };
        var command = new Command("up", "Run the platform: OCSP responder, CRL and CA certificate distribution") { urls };
        command.SetRun(async (result, cancellationToken) =>
        {
            var data = CliOptions.DataOf(result);
            if (!data.IsInitialised)
            {
                var config = new PkiConfig();
                var generated = await InitCommand.InitializeAsync(data, config, new AuthoritySetup(), result.GetValue(CliOptions.PassphraseFile), cancellationToken);
                InitCommand.Report(data, config, new AuthoritySetup(), generated);
                Console.WriteLine();
            }

            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var ocspUrl = new Uri(runtime.Config.Ca.OcspUrl);
            var listen = result.GetValue(urls) ?? $"{ocspUrl.Scheme}://{ocspUrl.Host}:{ocspUrl.Port}";

            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = data.Path });
            builder.WebHost.UseUrls(listen);
            builder.AddServiceDefaults();
            builder.Services.AddOcspResponder(runtime.Ca, new OcspResponderOptions());
            builder.Services.AddHostedService<CrlScheduleService>();
            await using var app = builder.Build();
            await app.Services.InitializeOcspResponderAsync(cancellationToken);
            app.MapServiceDefaults();
            app.MapOcspResponder();
            await app.StartAsync(cancellationToken);

            var ca = runtime.Config.Ca;
            Console.WriteLine($"PkiPlatform is up (data: {data.Path}), listening on {listen}");
            Console.WriteLine($"  OCSP responder:   {ca.OcspUrl}   (POST, or GET {ca.OcspUrl}/<base64 request>)");
            Console.WriteLine($"  CRLs:             {ca.CrlUrl(ca.IssuingAuthority)}, {ca.DeltaCrlUrl(ca.IssuingAuthority)}, {ca.CrlUrl(AuthorityInitializer.RootName)}");
            Console.WriteLine($"  CA certificates:  {ca.CaIssuersUrl(AuthorityInitializer.RootName)}, {ca.CaIssuersUrl(ca.IssuingAuthority)}");
            Console.WriteLine($"  health, metrics:  {listen}/health/ready, {listen}/metrics");
            Console.WriteLine($"  try:              openssl ocsp -issuer {Path.Combine(data.CaDirectory, "issuing.pem")} -cert CERT.pem -url {ca.OcspUrl} -CAfile {Path.Combine(data.CaDirectory, "root.pem")}");
            Console.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
