using Org.BouncyCastle.Asn1.X509;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>A checked, linted TBSCertificate waiting for its intent record and signature.</summary>
public sealed record PreparedCertificate(TbsCertificateStructure Tbs, string Serial, string Profile, DateTime NotBefore, DateTime NotAfter)
{
    public string SubjectDn => Tbs.Subject.ToString();
}
