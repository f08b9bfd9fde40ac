using PkiPlatform.CaCore.Profiles;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>One reason to refuse a request. Checks never throw for a bad request; they say why.</summary>
public interface IIssuanceCheck
{
    CheckResult Evaluate(CertificateRequest request, CertificateProfile profile);
}
