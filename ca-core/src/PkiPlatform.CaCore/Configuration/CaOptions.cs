namespace PkiPlatform.CaCore.Configuration;

/// <summary>CA settings that end up inside certificates and CRLs.</summary>
public sealed class CaOptions
{
    /// <summary>The OCSP responder URL written into AIA (RFC 5280 §4.2.2.1).</summary>
    public string OcspUrl { get; set; } = "http://127.0.0.1:8080/ocsp";

    /// <summary>Base of the CRL distribution points: {base}/{ca}.crl and {base}/{ca}-delta.crl.</summary>
    public string CrlBaseUrl { get; set; } = "http://127.0.0.1:8080/crl";

    /// <summary>Base of the AIA caIssuers URLs: {base}/{ca}.crt (DER).</summary>
    public string CaIssuersBaseUrl { get; set; } = "http://127.0.0.1:8080/ca";

    /// <summary>Hours from a full CRL's thisUpdate to its nextUpdate.</summary>
    public int CrlNextUpdateHours { get; set; } = 24;

    /// <summary>Hours from a delta CRL's thisUpdate to its nextUpdate.</summary>
    public int DeltaCrlNextUpdateHours { get; set; } = 4;

    /// <summary>Name of the authority that signs end-entity certificates.</summary>
    public string IssuingAuthority { get; set; } = "issuing";

    /// <summary>
    /// DNS suffixes that server and business-system certificates may name (trust-model item 4); "hrss.example" admits
    /// it and its subdomains. The default admits only the local machine: set it at <c>pki init --allowed-domains</c>.
    /// </summary>
    public List<string> AllowedDomains { get; set; } = ["localhost"];

    /// <summary>Address ranges (CIDR) that iPAddress names may come from. Default: loopback only.</summary>
    public List<string> AllowedAddresses { get; set; } = ["127.0.0.0/8", "::1/128"];

    public string CrlUrl(string authority) => $"{CrlBaseUrl.TrimEnd('/')}/{authority}.crl";

    public string DeltaCrlUrl(string authority) => $"{CrlBaseUrl.TrimEnd('/')}/{authority}-delta.crl";

    public string CaIssuersUrl(string authority) => $"{CaIssuersBaseUrl.TrimEnd('/')}/{authority}.crt";

    /// <summary>Refuses a configuration that would put broken URLs into every certificate.</summary>
    public void Validate(string source)
    {
        foreach (var (key, value) in new[] { ("ca.ocspUrl", OcspUrl), ("ca.crlBaseUrl", CrlBaseUrl), ("ca.caIssuersBaseUrl", CaIssuersBaseUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                // RFC 5280 §4.2.1.13 / RFC 6960: relying parties fetch CRLs and OCSP over plain HTTP (no TLS bootstrap loop).
                throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument, $"{source}: {key} must be an absolute http:// URL, got '{value}'");
            }
        }

        _ = Issuance.NameScope.From(this); // names the bad entry

        if (CrlNextUpdateHours is < 1 or > 24 * 31 || DeltaCrlNextUpdateHours < 1 || DeltaCrlNextUpdateHours > CrlNextUpdateHours)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument,
                $"{source}: ca.crlNextUpdateHours must be 1..744 and ca.deltaCrlNextUpdateHours 1..crlNextUpdateHours");
        }
    }
}
