using System.Net;
using System.Net.Sockets;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// The DNS suffixes and address ranges the platform may certify (trust-model item 4): an allow-list, so that no
/// applicant obtains a certificate for "*.gov.cn" or "8.8.8.8". Set at <c>pki init --allowed-domains</c>.
/// </summary>
public sealed class NameScope
{
    private readonly IReadOnlyList<string> _domains;
    private readonly IReadOnlyList<(byte[] Network, int PrefixLength)> _ranges;

    private NameScope(IReadOnlyList<string> domains, IReadOnlyList<(byte[], int)> ranges)
    {
        _domains = domains;
        _ranges = ranges;
    }

    public string Description => $"domains {(_domains.Count == 0 ? "(none)" : string.Join(", ", _domains))}; addresses {(_ranges.Count == 0 ? "(none)" : string.Join(", ", _ranges.Select(r => $"{new IPAddress(r.Network)}/{r.PrefixLength}")))}";

    public IReadOnlyList<string> Domains => _domains;

    public IReadOnlyList<(byte[] Network, int PrefixLength)> Ranges => _ranges;

    public static NameScope From(CaOptions options) =>
        new(options.AllowedDomains.Select(NormalizeDomain).ToList(), options.AllowedAddresses.Select(ParseRange).ToList());

    /// <summary>A DNS name inside an allowed suffix; "*.x" only when <paramref name="wildcards"/>, and x itself inside a suffix.</summary>
    public bool AllowsDns(string name, bool wildcards)
    {
        var lower = name.ToLowerInvariant().TrimEnd('.');
        if (lower.StartsWith("*.", StringComparison.Ordinal))
        {
            if (!wildcards)
            {
                return false;
            }

            lower = lower[2..];
        }

        if (lower.Contains('*', StringComparison.Ordinal) || lower.Length == 0)
        {
            return false;
        }

        return _domains.Any(d => lower == d || lower.EndsWith("." + d, StringComparison.Ordinal));
    }

    public bool AllowsAddress(IPAddress address)
    {
        var bytes = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).GetAddressBytes();
        return _ranges.Any(r => r.Network.Length == bytes.Length && InPrefix(bytes, r.Network, r.PrefixLength));
    }

    private static bool InPrefix(byte[] address, byte[] network, int prefix)
    {
        for (var bit = 0; bit < prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static string NormalizeDomain(string domain)
    {
        var d = domain.Trim().ToLowerInvariant().TrimStart('.').TrimEnd('.');
        if (d.Length == 0 || d.Contains('*', StringComparison.Ordinal) || Uri.CheckHostName(d) != UriHostNameType.Dns)
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"ca.allowedDomains: '{domain}' is not a DNS suffix (e.g. hrss.example)");
        }

        return d;
    }

    private static (byte[], int) ParseRange(string cidr)
    {
        var parts = cidr.Trim().Split('/');
        if (parts.Length is < 1 or > 2 || !IPAddress.TryParse(parts[0], out var address))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"ca.allowedAddresses: '{cidr}' is not an address range (e.g. 10.12.0.0/16)");
        }

        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = bits;
        if (parts.Length == 2 && (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix < 0 || prefix > bits))
        {
            throw new PkiException(PkiErrorCodes.InvalidArgument, $"ca.allowedAddresses: '{cidr}' has a prefix length outside 0..{bits}");
        }

        return (address.GetAddressBytes(), prefix);
    }
}
