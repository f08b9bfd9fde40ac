using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Host;

/// <summary>
/// The CA host's side of the CA↔KMC channel (<see cref="KmcProtocol"/>): the issuance worker's
/// <see cref="IEncryptionKeySource"/> when the KMC runs as its own host. Mutual TLS with the CA's client certificate
/// (bound to platform:ca); the server is accepted only if its certificate chains to this platform's root and the CA's
/// records bind that very certificate, valid and unrevoked, to platform:kmc — another platform host's TLS certificate
/// (the RA's, say) cannot stand in for the KMC and hand the CA a key of its own choosing.
/// </summary>
public sealed class RemoteKeyManagementCentre : IEncryptionKeySource, IDisposable
{
    private readonly HttpClient _http;

    public RemoteKeyManagementCentre(CertificateAuthority ca, Uri baseAddress, X509Certificate2 clientCertificate, X509Certificate2 root, X509Certificate2 issuing)
    {
        _http = CreateClient(ca, baseAddress, clientCertificate, root, issuing);
    }

    /// <summary>
    /// An HTTP client for the KMC host: mutual TLS with <paramref name="clientCertificate"/> (the CA's, or a key-recovery
    /// officer's), talking only to a server that <see cref="IsTheKmc"/> accepts.
    /// </summary>
    public static HttpClient CreateClient(CertificateAuthority ca, Uri baseAddress, X509Certificate2 clientCertificate, X509Certificate2 root, X509Certificate2 issuing)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (baseAddress.Scheme != Uri.UriSchemeHttps)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"Kmc:Url '{baseAddress}' must be https (the channel is mutual TLS)");
        }

        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions =
            {
                ClientCertificates = [clientCertificate],
                EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && IsTheKmc(ca, X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), root, issuing),
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Whether a server certificate is the KMC's: chained to our root, and bound to platform:kmc in the CA's records.</summary>
    public static bool IsTheKmc(CertificateAuthority ca, X509Certificate2 server, X509Certificate2 root, X509Certificate2 issuing)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(server);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(issuing);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // the CA's own records decide below
        if (!chain.Build(server))
        {
            return false;
        }

        // The TLS callback is synchronous; this runs once per new connection to the KMC (pooled afterwards).
        var (credential, _) = ca.Accounts.AuthenticateAsync(server.RawData).GetAwaiter().GetResult();
        return credential?.Account?.Identity == KmcProtocol.KmcAccount;
    }

    public Task<IReadOnlyList<EncryptionKeyGrant>> ApplyAsync(IReadOnlyList<EncryptionKeyApplication> applications, CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlyList<EncryptionKeyApplication>, IReadOnlyList<EncryptionKeyGrant>>(KmcProtocol.ApplyPath, applications, cancellationToken);

    public Task<IReadOnlyList<EncryptionKeyEnvelope>> ConfirmAsync(IReadOnlyList<EncryptionKeyConfirmation> confirmations, CancellationToken cancellationToken = default) =>
        CallAsync<IReadOnlyList<EncryptionKeyConfirmation>, IReadOnlyList<EncryptionKeyEnvelope>>(KmcProtocol.ConfirmPath, confirmations, cancellationToken);

    public Task AbandonAsync(IReadOnlyList<string> keyIds, string reason, CancellationToken cancellationToken = default) =>
        CallAsync<KmcProtocol.AbandonRequest, string>(KmcProtocol.AbandonPath, new KmcProtocol.AbandonRequest(keyIds, reason), cancellationToken);

    private async Task<TResult> CallAsync<TBody, TResult>(string path, TBody body, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(path.TrimStart('/'), body, KmcProtocol.Json, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // Unreachable, or a server that is not the KMC (refused at the handshake): not the application's fault. The
            // request stays claimed, the worker logs this, and after its lease the request is taken again (no PkiException,
            // which would fail the application for good).
            throw new HttpRequestException($"the key management centre at {_http.BaseAddress} cannot be reached or is not the KMC: {ex.Message}", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                // 400: the KMC judged this application (its reason fails the request); anything else (403: this CA host's
                // client certificate is not on its allow-list, 5xx) is the platform's to fix, and is retried.
                throw response.StatusCode == System.Net.HttpStatusCode.BadRequest
                    ? new PkiException(PkiErrorCodes.InvalidArgument, $"the key management centre refused the application: {problem}")
                    : new HttpRequestException($"the key management centre answered {path} with {(int)response.StatusCode}: {problem}", null, response.StatusCode);
            }

            return await response.Content.ReadFromJsonAsync<TResult>(KmcProtocol.Json, cancellationToken)
                ?? throw new PkiException(PkiErrorCodes.Internal, $"the key management centre answered {path} with nothing");
        }
    }

    public void Dispose() => _http.Dispose();
}
