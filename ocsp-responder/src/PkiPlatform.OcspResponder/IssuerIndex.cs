using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using PkiPlatform.CaCore;

namespace PkiPlatform.OcspResponder;

/// <summary>
/// Finds the CA a CertID names. issuerNameHash and issuerKeyHash are precomputed for SHA-1, SHA-256,
/// SHA-384 and SHA-512 (RFC 6960 §4.1.1), so matching is one dictionary lookup.
/// </summary>
public sealed class IssuerIndex
{
    public static readonly IReadOnlyList<DerObjectIdentifier> SupportedHashes =
        [OiwObjectIdentifiers.IdSha1, NistObjectIdentifiers.IdSha256, NistObjectIdentifiers.IdSha384, NistObjectIdentifiers.IdSha512];

    private readonly FrozenDictionary<string, ResponderIdentity> _byHashes;

    private IssuerIndex(IReadOnlyList<ResponderIdentity> responders)
    {
        Responders = responders;
        var map = new Dictionary<string, ResponderIdentity>(StringComparer.Ordinal);
        foreach (var responder in responders)
        {
            var certificate = responder.Authority.Certificate;
            var name = certificate.Subject.GetDerEncoded();
            var key = certificate.SubjectPublicKeyInfo.PublicKey.GetOctets();
            foreach (var hash in SupportedHashes)
            {
                map[Key(hash.Id, Digest(hash, name), Digest(hash, key))] = responder;
            }
        }

        _byHashes = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<ResponderIdentity> Responders { get; }

    public ResponderIdentity? Find(string hashAlgorithm, byte[] issuerNameHash, byte[] issuerKeyHash) =>
        _byHashes.GetValueOrDefault(Key(hashAlgorithm, issuerNameHash, issuerKeyHash));

    public static bool IsSupportedHash(string oid) => SupportedHashes.Any(h => h.Id == oid);

    /// <summary>Loads every CA and its newest valid responder certificate; a CA without one is not served.</summary>
    public static async Task<IssuerIndex> LoadAsync(CertificateAuthority ca, DateTime now, CancellationToken cancellationToken)
    {
        var responders = new List<ResponderIdentity>();
        var parser = new X509CertificateParser();
        await using var db = ca.Database.CreateContext();
        foreach (var authority in await ca.Authorities.AllAsync(cancellationToken))
        {
            var record = await db.Responders.AsNoTracking()
                .Where(r => r.AuthorityId == authority.Id && r.NotAfter > now && r.NotBefore <= now)
                .OrderByDescending(r => r.NotAfter).FirstOrDefaultAsync(cancellationToken);
            if (record is not null)
            {
                responders.Add(new ResponderIdentity(authority, parser.ReadCertificate(record.CertificateDer), ca.Keys.GetSigner(record.KeyLabel)));
            }
        }

        return new IssuerIndex(responders);
    }

    private static string Key(string hash, byte[] nameHash, byte[] keyHash) =>
        $"{hash}:{Convert.ToHexString(nameHash)}:{Convert.ToHexString(keyHash)}";

    private static byte[] Digest(DerObjectIdentifier algorithm, byte[] data) => DigestUtilities.CalculateDigest(algorithm, data);
}
