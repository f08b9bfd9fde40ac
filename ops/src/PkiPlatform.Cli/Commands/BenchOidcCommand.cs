using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace PkiPlatform.Cli.Commands;

/// <summary>
/// <c>pki bench oidc</c> against a running identity provider, with client certificates (which wrk cannot present):
/// <c>--mode client-credentials</c>: grants over mutual TLS (tls_client_auth), as a business system asks, on kept-alive
/// connections or a new TLS connection (full handshake with the client certificate) per grant;
/// <c>--mode login</c>: complete certificate logins — authorize with the staff certificate (PKCE S256) → code → token
/// exchange with client_secret_basic. Prints operations/s and latency percentiles; every answer must carry a token.
/// </summary>
internal static class BenchOidcCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "client-credentials: the mTLS token endpoint (https://127.0.0.1:8446/connect/token); login: the issuer (https://127.0.0.1:8445/)", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "client-credentials: a tls_client_auth client; login: an authorization-code client", Required = true };
        var p12 = new Option<FileInfo>("--p12") { Description = "client-credentials: the system's certificate and key; login: the staff member's (PKCS#12)", Required = true };
        var mode = new Option<string>("--mode") { Description = "client-credentials (default) or login", DefaultValueFactory = _ => "client-credentials" };
        mode.AcceptOnlyFromAmong("client-credentials", "login");
        var secret = new Option<string>("--secret") { Description = "login: the client's secret (client_secret_basic)", DefaultValueFactory = _ => "" };
        var redirect = new Option<string>("--redirect-uri") { Description = "login: the client's registered redirect URI", DefaultValueFactory = _ => "http://127.0.0.1:8400/signin-oidc" };
        var password = new Option<string>("--password") { Description = "The PKCS#12 password", DefaultValueFactory = _ => "" };
        var root = new Option<FileInfo>("--root") { Description = "The platform's root certificate (PEM), the only trust anchor for the server", Required = true };
        var connections = new Option<int>("--connections") { Description = "Concurrent callers", DefaultValueFactory = _ => 32 };
        var seconds = new Option<int>("--seconds") { Description = "Measured duration (after a 2 s warm-up)", DefaultValueFactory = _ => 8 };
        var newConnection = new Option<bool>("--new-connection") { Description = "A new TLS connection (handshake with the client certificate) for every grant" };
        var command = new Command("oidc", "Client-credentials grants over mTLS, or complete certificate logins, against a running identity provider")
        {
            url, clientId, p12, password, root, connections, seconds, newConnection, mode, secret, redirect,
        };
        command.SetRun(async (result, cancellationToken) =>
        {
            var bundle = X509CertificateLoader.LoadPkcs12CollectionFromFile(result.GetValue(p12)!.FullName, result.GetValue(password));
            using var certificate = bundle.First(c => c.HasPrivateKey);
            // The chain is built once, offline, from the PKCS#12's own CA certificates: no per-handshake AIA fetch.
            var context = System.Net.Security.SslStreamCertificateContext.Create(certificate,
                [.. bundle.Where(c => !c.HasPrivateKey && c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData) is false)], offline: true);
            using var anchor = X509CertificateLoader.LoadCertificateFromFile(result.GetValue(root)!.FullName);
            var fresh = result.GetValue(newConnection);
            using var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                MaxConnectionsPerServer = result.GetValue(connections),
                SslOptions =
                {
                    ClientCertificateContext = context,
                    // The platform's root as the only anchor, as a business system configures it: the handshake's own chain
                    // build then needs no download (left to defaults it fetched the root from the AIA URL per connection).
                    CertificateChainPolicy = new X509ChainPolicy
                    {
                        TrustMode = X509ChainTrustMode.CustomRootTrust,
                        CustomTrustStore = { anchor },
                        RevocationMode = X509RevocationMode.NoCheck,
                        DisableCertificateDownloads = true,
                    },
                    RemoteCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None,
                },
            };
            using var http = new HttpClient(handler);
            using var backChannel = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = result.GetValue(connections),
                SslOptions = { CertificateChainPolicy = handler.SslOptions.CertificateChainPolicy, RemoteCertificateValidationCallback = handler.SslOptions.RemoteCertificateValidationCallback },
            });
            var endpoint = new Uri(result.GetValue(url)!);
            var id = result.GetValue(clientId)!;
            var login = result.GetValue(mode) == "login";
            var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(result.GetValue(secret)!)}"));
            var redirectUri = result.GetValue(redirect)!;
            async Task<bool> LoginAsync()
            {
                var verifier = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                var challenge = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
                using var authorize = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint,
                    $"connect/authorize?client_id={Uri.EscapeDataString(id)}&response_type=code&redirect_uri={Uri.EscapeDataString(redirectUri)}&scope=openid%20profile&code_challenge={challenge}&code_challenge_method=S256&state=s&nonce=n"));
                using var answer = await http.SendAsync(authorize, cancellationToken);
                var code = answer.Headers.Location is { } location ? System.Web.HttpUtility.ParseQueryString(location.Query)["code"] : null;
                if (code is null)
                {
                    return false;
                }

                using var exchange = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "connect/token"))
                {
                    Content = new FormUrlEncodedContent([new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", redirectUri), new("code_verifier", verifier)]),
                };
                exchange.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basic);
                using var tokens = await backChannel.SendAsync(exchange, cancellationToken);
                return tokens.IsSuccessStatusCode && (await tokens.Content.ReadAsStringAsync(cancellationToken)).Contains("\"id_token\"", StringComparison.Ordinal);
            }

            async Task<bool> GrantAsync()
            {
                if (login)
                {
                    try
                    {
                        return await LoginAsync();
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }

                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
                {
                    Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", id)]),
                };
                request.Headers.ConnectionClose = fresh;
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    return response.IsSuccessStatusCode && body.Contains("\"access_token\"", StringComparison.Ordinal);
                }
                catch (HttpRequestException)
                {
                    return false; // counted as failed (a reset connection, a refused handshake)
                }
            }

            if (!await GrantAsync())
            {
                throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"{endpoint} issued no token to {id}; is it registered for tls_client_auth with this certificate's account?");
            }

            async Task<(int Ok, int Failed, List<double> Latencies)> RunAsync(TimeSpan duration)
            {
                var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
                var workers = await Task.WhenAll(Enumerable.Range(0, result.GetValue(connections)).Select(_ => Task.Run(async () =>
                {
                    var (ok, failed, latencies) = (0, 0, new List<double>());
                    while (Stopwatch.GetTimestamp() < until)
                    {
                        var start = Stopwatch.GetTimestamp();
                        if (await GrantAsync())
                        {
                            ok++;
                        }
                        else
                        {
                            failed++;
                        }

                        latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }

                    return (ok, failed, latencies);
                }, cancellationToken)));
                return (workers.Sum(w => w.ok), workers.Sum(w => w.failed), workers.SelectMany(w => w.latencies).Order().ToList());
            }

            await RunAsync(TimeSpan.FromSeconds(2));
            var measured = TimeSpan.FromSeconds(result.GetValue(seconds));
            var clock = Stopwatch.StartNew();
            var (granted, refused, times) = await RunAsync(measured);
            clock.Stop();
            double Percentile(double p) => times.Count == 0 ? 0 : times[Math.Min(times.Count - 1, (int)(p * times.Count))];
            Console.WriteLine($"{(login ? "certificate logins (authorize -> code -> token)" : "client-credentials grants")}, {(fresh ? "new TLS connection per grant" : "kept-alive connections")}, {result.GetValue(connections)} callers: " +
                $"{granted / clock.Elapsed.TotalSeconds:F0} /s ({granted} in {clock.Elapsed.TotalSeconds:F1} s, {refused} failed), " +
                $"latency p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms");
            return refused == 0 ? 0 : 1;
        });
        return command;
    }
}
