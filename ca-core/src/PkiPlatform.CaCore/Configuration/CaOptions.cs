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

        if (CrlNextUpdateHours is < 1 or > 24 * 31 || DeltaCrlNextUpdateHours < 1 || DeltaCrlNextUpdateHours > CrlNextUpdateHours)
        {
            throw new KeyStore.PkiException(KeyStore.PkiErrorCodes.InvalidArgument,
                $"{source}: ca.crlNextUpdateHours must be 1..744 and ca.deltaCrlNextUpdateHours 1..crlNextUpdateHours");
        }
    }
}
