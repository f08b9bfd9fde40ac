using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.GM;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Pkcs;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// What is to be certified, not yet checked: a parsed PKCS#10 request from an applicant, or (issue 13) the subject and
/// public key of an encryption key the key management centre generated, which comes with no request of its own.
/// </summary>
public sealed class CertificateRequest
{
    /// <summary>RFC 2986 requests are small; anything larger is refused before parsing.</summary>
    public const int MaxDerLength = 64 * 1024;

    private CertificateRequest(Pkcs10CertificationRequest? csr, CertificationRequestInfo info, KeyAlgorithm? keyAlgorithm, string keyDescription, GeneralNames? subjectAltNames)
    {
        Csr = csr;
        Info = info;
        KeyAlgorithm = keyAlgorithm;
        KeyDescription = keyDescription;
        SubjectAltNames = subjectAltNames;
    }

    /// <summary>The applicant's PKCS#10 request; null only for a key the KMC generated (<see cref="IsKmcKey"/>).</summary>
    public Pkcs10CertificationRequest? Csr { get; }

    /// <summary>True for the encryption key of a dual pair, generated and held by the KMC: there is no applicant's request, so no proof of possession to check.</summary>
    public bool IsKmcKey => Csr is null;

    private CertificationRequestInfo Info { get; }

    public X509Name Subject => Info.Subject;

    public SubjectPublicKeyInfo PublicKey => Info.SubjectPublicKeyInfo;

    /// <summary>The key type, or null when it is none the platform supports (see <see cref="KeyDescription"/>).</summary>
    public KeyAlgorithm? KeyAlgorithm { get; }

    /// <summary>Human-readable key type, e.g. "RSA 1024".</summary>
    public string KeyDescription { get; }

    /// <summary>The subjectAltName requested in the extensionRequest attribute, if any.</summary>
    public GeneralNames? SubjectAltNames { get; }

    /// <summary>GM/T 0015 identity extensions requested (<see cref="PersonalIdentifiers"/>): name → value.</summary>
    public IReadOnlyDictionary<string, string> PersonalIdentifiers { get; private init; } = new Dictionary<string, string>();

    /// <summary>Why a requested identity extension cannot be read, if one cannot.</summary>
    public string? UnreadablePersonalIdentifier { get; private init; }

    /// <summary>Parses DER or PEM; malformed input is a <see cref="CaErrorCodes.BadCsr"/> that says what is wrong.</summary>
    public static CertificateRequest Parse(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0)
        {
            throw new PkiException(CaErrorCodes.BadCsr, "the CSR is empty");
        }

        if (input.Length > MaxDerLength)
        {
            throw new PkiException(CaErrorCodes.BadCsr, $"the CSR is {input.Length} bytes; at most {MaxDerLength} are accepted");
        }

        var der = PemOrDer(input);
        Pkcs10CertificationRequest csr;
        try
        {
            var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(der));
            csr = new Pkcs10CertificationRequest(CertificationRequest.GetInstance(sequence).GetEncoded());
            _ = csr.GetCertificationRequestInfo().Subject;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or FormatException or InvalidOperationException)
        {
            throw new PkiException(CaErrorCodes.BadCsr, $"the CSR is not a valid PKCS#10 request: {ex.Message}", ex);
        }

        var (algorithm, description) = DescribeKey(csr.GetCertificationRequestInfo().SubjectPublicKeyInfo);
        X509Extensions? requested;
        try
        {
            requested = csr.GetRequestedExtensions();
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException)
        {
            throw new PkiException(CaErrorCodes.BadCsr, $"the CSR's extensionRequest attribute is malformed: {ex.Message}", ex);
        }

        var (identifiers, unreadable) = Issuance.PersonalIdentifiers.Read(requested);
        return new CertificateRequest(csr, csr.GetCertificationRequestInfo(), algorithm, description, ReadSubjectAltNames(csr)) { PersonalIdentifiers = identifiers, UnreadablePersonalIdentifier = unreadable };
    }

    /// <summary>
    /// The encryption half of a dual pair: the subject of its signing certificate and the public key the KMC generated
    /// and archived (GM/T 0014's key response carries the public key, not a request). Internal: only the CA's dual
    /// issuance, which received the key from the KMC over the authenticated channel, builds one.
    /// </summary>
    internal static CertificateRequest ForKmcKey(X509Name subject, SubjectPublicKeyInfo publicKey)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(publicKey);
        publicKey = SubjectPublicKeyInfo.GetInstance(publicKey.GetDerEncoded()); // as parsed from DER, whoever built it (the curve OID, not a wrapper)
        // The key must decode (an EC point on its curve, an RSA modulus): the proof of possession that would have shown it is absent.
        var (algorithm, description) = MalformedInput.Parse(() =>
        {
            _ = Org.BouncyCastle.Security.PublicKeyFactory.CreateKey(publicKey);
            return DescribeKey(publicKey);
        }, CaErrorCodes.BadCsr, "the key management centre's public key is not a valid SubjectPublicKeyInfo");
        return new CertificateRequest(null, new CertificationRequestInfo(subject, publicKey, new DerSet()), algorithm, description, null);
    }

    private static byte[] PemOrDer(ReadOnlySpan<byte> input)
    {
        var text = System.Text.Encoding.ASCII.GetString(input);
        const string begin = "-----BEGIN ";
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        if (start < 0)
        {
            return input.ToArray();
        }

        var labelEnd = text.IndexOf("-----", start + begin.Length, StringComparison.Ordinal);
        var label = labelEnd < 0 ? "" : text[(start + begin.Length)..labelEnd];
        if (label is not ("CERTIFICATE REQUEST" or "NEW CERTIFICATE REQUEST"))
        {
            throw new PkiException(CaErrorCodes.BadCsr, $"expected a PEM 'CERTIFICATE REQUEST', found '{label}'");
        }

        var bodyStart = labelEnd + 5;
        var end = text.IndexOf("-----END ", bodyStart, StringComparison.Ordinal);
        if (end < 0)
        {
            throw new PkiException(CaErrorCodes.BadCsr, "the PEM CSR has no END line");
        }

        try
        {
            return Convert.FromBase64String(text[bodyStart..end].Trim());
        }
        catch (FormatException ex)
        {
            throw new PkiException(CaErrorCodes.BadCsr, "the PEM CSR body is not valid base64", ex);
        }
    }

    internal static (KeyAlgorithm? Algorithm, string Description) DescribeKey(SubjectPublicKeyInfo spki)
    {
        var oid = spki.Algorithm.Algorithm;
        if (oid.Equals(PkcsObjectIdentifiers.RsaEncryption))
        {
            var bits = RsaPublicKeyStructure.GetInstance(spki.ParsePublicKey()).Modulus.BitLength;
            KeyAlgorithm? algorithm = bits switch
            {
                2048 => KeyStore.KeyAlgorithm.Rsa2048,
                3072 => KeyStore.KeyAlgorithm.Rsa3072,
                4096 => KeyStore.KeyAlgorithm.Rsa4096,
                _ => null,
            };
            return (algorithm, $"RSA {bits}");
        }

        if (oid.Equals(X9ObjectIdentifiers.IdECPublicKey) && spki.Algorithm.Parameters is DerObjectIdentifier curve)
        {
            if (curve.Equals(SecObjectIdentifiers.SecP256r1))
            {
                return (KeyStore.KeyAlgorithm.EcP256, "ECDSA P-256");
            }

            if (curve.Equals(SecObjectIdentifiers.SecP384r1))
            {
                return (KeyStore.KeyAlgorithm.EcP384, "ECDSA P-384");
            }

            if (curve.Equals(GMObjectIdentifiers.sm2p256v1))
            {
                return (KeyStore.KeyAlgorithm.Sm2, "SM2");
            }

            return (null, $"EC on curve {curve.Id}");
        }

        return (null, $"algorithm {oid.Id}");
    }

    private static GeneralNames? ReadSubjectAltNames(Pkcs10CertificationRequest csr)
    {
        var extensions = csr.GetRequestedExtensions();
        var san = extensions?.GetExtension(X509Extensions.SubjectAlternativeName);
        return san is null ? null : GeneralNames.GetInstance(san.GetParsedValue());
    }
}
