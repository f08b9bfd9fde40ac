using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.CaCore;
using PkiPlatform.CaCore.Accounts;

namespace PkiPlatform.ServiceDefaults;

/// <summary>
/// The one client-certificate authentication of every host (RA, token service, identity provider): the platform's own
/// root, never the OS store; then the CA's records decide (this exact certificate issued here, not revoked, not on
/// hold, explicitly bound to an account), and the role comes from that account, never from the subject name.
/// </summary>
public static class PlatformClientCertificates
{
    /// <summary>HttpContext item carrying the reason of a refusal from validation to the challenge.</summary>
    public const string FailureKey = "pki.client-certificate.failure";

    /// <summary>
    /// Registers the certificate scheme as the default. A refused or missing certificate gets a 401 problem
    /// (<see cref="PkiProblems.ClientCertificate"/>) saying why; <paramref name="refusalPage"/>, when given, answers
    /// browsers instead (every path outside <c>/api</c>).
    /// </summary>
    /// <param name="cacheSeconds">
    /// How long an authentication result is reused for the same certificate (0: never). Chain building and the status
    /// look-up cost more than a verification; a cache trades that for a revocation taking effect up to this late.
    /// </param>
    public static AuthenticationBuilder AddPlatformClientCertificates(this IServiceCollection services, CertificateAuthority ca, X509Certificate2 root, X509Certificate2 issuing,
        int cacheSeconds = 0, Func<HttpContext, string, Task>? refusalPage = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var builder = services.AddAuthentication(CertificateAuthenticationDefaults.AuthenticationScheme)
            .AddCertificate(options =>
            {
                Trust(options, root, issuing);
                options.Events = new CertificateAuthenticationEvents
                {
                    OnCertificateValidated = async context =>
                    {
                        var (credential, refusal) = await ca.Accounts.AuthenticateAsync(context.ClientCertificate.RawData, context.HttpContext.RequestAborted);
                        if (credential is null)
                        {
                            context.HttpContext.Items[FailureKey] = refusal;
                            context.Fail(refusal!);
                            return;
                        }

                        context.Principal = PlatformPrincipal.Create(credential, context.Scheme.Name);
                        context.Success();
                    },
                    OnChallenge = async context =>
                    {
                        context.HandleResponse();
                        var reason = Explain(context.HttpContext, root, issuing);
                        if (refusalPage is not null && !context.HttpContext.Request.Path.StartsWithSegments("/api"))
                        {
                            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                            await refusalPage(context.HttpContext, reason);
                        }
                        else
                        {
                            await PkiProblems.WriteAsync(context.HttpContext, PkiProblems.ClientCertificate, reason);
                        }
                    },
                };
            });
        if (cacheSeconds > 0)
        {
            builder.AddCertificateCache(cache => cache.CacheEntryExpiration = TimeSpan.FromSeconds(cacheSeconds));
        }

        services.AddAuthorization();
        return builder;
    }

    /// <summary>Why a request carries no usable certificate, in words the holder can act on.</summary>
    public static string Explain(HttpContext context, X509Certificate2 root, X509Certificate2 issuing)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[FailureKey] is string recorded)
        {
            return recorded;
        }

        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return "a client certificate issued by this platform is required (USB key or system certificate)";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(issuing);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(certificate);
        var status = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
        return status switch
        {
            _ when status.HasFlag(X509ChainStatusFlags.NotTimeValid) => $"the client certificate is not valid now (valid {certificate.NotBefore:yyyy-MM-dd} to {certificate.NotAfter:yyyy-MM-dd}); ask for a new one",
            _ when status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain) => "the client certificate was not issued by this platform",
            _ => "the client certificate is not a valid TLS client certificate of this platform (EKU clientAuth, key usage digitalSignature)",
        };
    }

    /// <summary>As <see cref="AcceptAtTls"/>, but a connection without a client certificate is refused at the handshake (mTLS-only listeners).</summary>
    public static void RequireAtTls(Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions https, X509Certificate2Collection? serverChain = null)
    {
        ArgumentNullException.ThrowIfNull(https);
        AcceptAtTls(https, serverChain);
        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate;
    }

    /// <summary>
    /// The TLS side: any client certificate or none is let through the handshake, and the handshake does no
    /// revocation check of its own. The authentication handler then validates against the platform's anchors
    /// and the CA's records, and can explain a refusal, which a failed handshake could not. (Kestrel's default
    /// online revocation check fetched the platform's own CRLs/OCSP synchronously inside every new handshake:
    /// under concurrent connections that starved the thread pool and handshakes timed out.)
    /// </summary>
    /// <param name="https">The listener's options.</param>
    /// <param name="serverChain">
    /// The server certificate's CA certificates to send with it (the issuing CA). Given, every handshake sends them
    /// whatever loaded the certificate: Kestrel's configuration loader keeps only the leaf of a PKCS#12 file and builds
    /// the chain once at start, fetching the CA certificate from the leaf's AIA URL; a start before the AIA server
    /// answered served the leaf alone for the process's life ("unable to get local issuer certificate").
    /// </param>
    public static void AcceptAtTls(Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions https, X509Certificate2Collection? serverChain = null)
    {
        ArgumentNullException.ThrowIfNull(https);
        https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
        https.AllowAnyClientCertificate();
        https.CheckCertificateRevocation = false;
        RestrictProtocols(https, serverChain);
    }

    /// <summary>One certificate context per server certificate object (bounded by the certificates the process holds).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<X509Certificate2, System.Net.Security.SslStreamCertificateContext> ChainContexts = new();

    /// <summary>
    /// Trust-model item 12: TLS 1.2 and 1.3 only, and only AEAD suites with forward secrecy (no CBC, no static RSA key
    /// exchange, no SHA-1 MACs), whatever the system OpenSSL would otherwise offer.
    /// </summary>
    public static void RestrictProtocols(Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions https, X509Certificate2Collection? serverChain = null)
    {
        ArgumentNullException.ThrowIfNull(https);
        https.SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13;
        https.OnAuthenticate = (_, options) =>
        {
            if (serverChain is { Count: > 0 } && (options.ServerCertificateContext?.TargetCertificate ?? options.ServerCertificate as X509Certificate2) is { } leaf)
            {
                options.ServerCertificateContext = ChainContexts.GetValue(leaf, l => System.Net.Security.SslStreamCertificateContext.Create(l, serverChain, offline: true));
                options.ServerCertificate = null;
            }

            // The handshake builds a client certificate's chain only to report it (the listener accepts any certificate and
            // the CA's records decide afterwards): offline, with the issuing CA at hand. Left to its defaults it fetched
            // our own issuing CA certificate from the AIA URL on every new connection (about 60 % of a handshake).
            // Custom root trust with no anchor: the system's root store is not loaded (and its ~140 certificate handles
            // are not duplicated and freed) for every handshake; the chain's verdict is not used either way.
            var policy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
                TrustMode = X509ChainTrustMode.CustomRootTrust,
            };
            if (serverChain is not null)
            {
                policy.ExtraStore.AddRange(serverChain);
            }

            options.CertificateChainPolicy = policy;

            // Windows takes its suites from the system policy (SChannel); CipherSuitesPolicy is Linux/macOS only.
            if (!OperatingSystem.IsWindows())
            {
                options.CipherSuitesPolicy = AeadSuites;
            }
        };
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static readonly System.Net.Security.CipherSuitesPolicy AeadSuites = new(
    [
        System.Net.Security.TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ]);

    /// <summary>
    /// Chains to <paramref name="root"/> through <paramref name="issuing"/>, checks validity and EKU clientAuth; status is
    /// left to the CA's records (the caller's OnCertificateValidated), which know about revocations at once.
    /// </summary>
    public static void Trust(CertificateAuthenticationOptions options, X509Certificate2 root, X509Certificate2 issuing)
    {
        options.AllowedCertificateTypes = CertificateTypes.Chained;
        options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
        options.CustomTrustStore.Add(root);
        options.AdditionalChainCertificates.Add(issuing);
        options.RevocationMode = X509RevocationMode.NoCheck;
        options.ValidateValidityPeriod = true;
        options.ValidateCertificateUse = true;
    }
}
