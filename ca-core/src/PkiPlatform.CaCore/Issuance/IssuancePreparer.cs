using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Configuration;
using PkiPlatform.CaCore.Issuance.Checks;
using PkiPlatform.CaCore.Lint;
using PkiPlatform.CaCore.Profiles;
using PkiPlatform.KeyStore;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Issuance;

/// <summary>
/// Phase one of issuance: parse, check against the profile, build the TBSCertificate from the profile
/// (the CSR contributes only subject, key and the allow-listed subjectAltName), lint. Touches no key
/// and no database, so it runs in parallel.
/// </summary>
public sealed class IssuancePreparer(ProfileCatalog profiles, CaOptions options, TimeProvider clock, CertificateLinter linter)
{
    private readonly IReadOnlyList<IIssuanceCheck> _checks =
    [
        new CsrSignatureCheck(),
        new KeyAlgorithmCheck(),
        new SubjectAttributesCheck(),
        new SubjectPatternCheck(),
        new SubjectAltNameCheck(),
        new PersonalIdentifierCheck(),
        new NameScopeCheck(NameScope.From(options)),
    ];

    public CertificateProfile Profile(string name) => profiles.Get(name);

    /// <summary>Every check's verdict, for the RA to show what a request meets and breaks.</summary>
    public IReadOnlyList<CheckResult> Evaluate(CertificateRequest request, CertificateProfile profile) =>
        _checks.Select(check => check.Evaluate(request, profile)).ToList();

    public PreparedCertificate Prepare(IssuanceRequest issuance, Authority issuer)
    {
        var profile = profiles.Get(issuance.Profile);
        if ((issuance.KmcKey is not null) != profile.KmcKeysOnly)
        {
            // Fail closed both ways: a KMC key only under a profile for KMC keys, and such a profile only with one.
            throw new PkiException(CaErrorCodes.DualProfile, issuance.KmcKey is null
                ? $"profile {profile.Name} is only for keys the key management centre generated; nothing was issued"
                : $"profile {profile.Name} is not a profile for keys the key management centre generates; nothing was issued");
        }

        var request = issuance.KmcKey is { } generated ? CertificateRequest.ForKmcKey(generated.Subject, generated.PublicKey) : CertificateRequest.Parse(issuance.Csr);
        var results = Evaluate(request, profile);
        var failures = results.Where(r => !r.Passed).ToList();
        if (failures.Count > 0)
        {
            var code = failures.Any(f => f.Rule == CsrSignatureCheck.Rule) ? CaErrorCodes.CsrSignature : CaErrorCodes.ProfileViolation;
            throw new PkiException(code, string.Join("; ", failures.Select(f => f.Message)));
        }

        var days = issuance.ValidityDays ?? profile.MaxValidityDays;
        if (days < 1 || days > profile.MaxValidityDays)
        {
            throw new PkiException(CaErrorCodes.ProfileViolation,
                $"validity of {days} days requested; profile '{profile.Name}' allows 1..{profile.MaxValidityDays}");
        }

        var notBefore = ExtensionBuilder.WholeSeconds(clock.GetUtcNow().UtcDateTime);
        var notAfter = notBefore.AddDays(days);
        // Clip inside the issuer's validity: a certificate outliving its issuer fails path validation (RFC 5280 §6.1.3).
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        if (notBefore < issuer.NotBefore || notAfter <= notBefore)
        {
            throw new PkiException(CaErrorCodes.ProfileViolation, $"the issuing CA '{issuer.Name}' is not valid now (valid {issuer.NotBefore:u} to {issuer.NotAfter:u})");
        }

        var serial = SerialNumbers.Generate();
        var generator = new V3TbsCertificateGenerator();
        generator.SetSerialNumber(new DerInteger(serial));
        generator.SetSignature(SignatureAlgorithms.Identifier(issuer.SignatureAlgorithm));
        generator.SetIssuer(issuer.Subject);
        generator.SetStartDate(new Time(notBefore));
        generator.SetEndDate(new Time(notAfter));
        generator.SetSubject(request.Subject);
        generator.SetSubjectPublicKeyInfo(request.PublicKey);
        generator.SetExtensions(BuildExtensions(request, profile, issuer));
        var tbs = generator.GenerateTbsCertificate();

        linter.EnsureClean(new LintSubject(tbs, issuer.Certificate));
        return new PreparedCertificate(tbs, SerialNumbers.ToHex(serial), profile.Name, notBefore, notAfter);
    }

    private X509Extensions BuildExtensions(CertificateRequest request, CertificateProfile profile, Authority issuer)
    {
        var extensions = new X509ExtensionsGenerator();
        extensions.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        extensions.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(profile.KeyUsageFor(request.KeyAlgorithm!.Value)));
        if (profile.ExtendedKeyUsage.Count > 0)
        {
            extensions.AddExtension(X509Extensions.ExtendedKeyUsage, profile.ExtendedKeyUsageCritical,
                new ExtendedKeyUsage(profile.ExtendedKeyUsage.Select(oid => KeyPurposeID.GetInstance(new DerObjectIdentifier(oid))).ToArray()));
        }

        if (request.SubjectAltNames is { } san && san.GetNames().Length > 0)
        {
            // RFC 5280 §4.2.1.6: critical exactly when the subject is empty.
            extensions.AddExtension(X509Extensions.SubjectAlternativeName, request.Subject.GetOidList().Count == 0, san);
        }

        // Checked by PersonalIdentifierCheck: present only where the profile allows them, well-formed.
        PersonalIdentifiers.Add(extensions, request.PersonalIdentifiers);
        if (profile.CertificatePolicies.Count > 0)
        {
            extensions.AddExtension(X509Extensions.CertificatePolicies, false,
                new CertificatePolicies(profile.CertificatePolicies.Select(oid => new PolicyInformation(new DerObjectIdentifier(oid))).ToArray()));
        }

        ExtensionBuilder.AddKeyIdentifiers(extensions, ExtensionBuilder.SubjectKeyIdentifier(request.PublicKey), issuer.Entity.SubjectKeyId);
        ExtensionBuilder.AddDistributionPoints(extensions, options, issuer.Name, includeOcsp: !profile.OcspNoCheck);
        if (profile.OcspNoCheck)
        {
            extensions.AddExtension(OcspObjectIdentifiers.PkixOcspNocheck, false, DerNull.Instance);
        }

        return extensions.Generate();
    }
}
