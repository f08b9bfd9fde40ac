namespace PkiPlatform.CaCore.Profiles;

/// <summary>The JSON shape of a profile file, before validation. Field names are the file's.</summary>
internal sealed class ProfileDocument
{
    public string? Name { get; set; }

    public LocalizedText? Description { get; set; }

    public LocalizedText? DisplayName { get; set; }

    public string? Audience { get; set; }

    public bool AllowWildcards { get; set; }

    public List<string>? KeyAlgorithms { get; set; }

    public int? MaxValidityDays { get; set; }

    public SubjectDocument? Subject { get; set; }

    public SanDocument? SubjectAltNames { get; set; }

    public KeyUsageDocument? KeyUsage { get; set; }

    public List<string>? ExtendedKeyUsage { get; set; }

    public bool ExtendedKeyUsageCritical { get; set; }

    public List<string>? CertificatePolicies { get; set; }

    public bool OcspNoCheck { get; set; }

    /// <summary>GM/T 0015 identity extensions the applicant may ask for: "identity-card", "social-insurance".</summary>
    public List<string>? PersonalIdentifiers { get; set; }

    public int? Approvals { get; set; }

    public int? RevocationApprovals { get; set; }

    /// <summary>"kmc": a dual-certificate profile; the encryption certificate's key comes from the key management centre.</summary>
    public string? EncryptionKeySource { get; set; }

    /// <summary>The profile of the encryption certificate of a dual-certificate profile.</summary>
    public string? EncryptionProfile { get; set; }

    /// <summary>"kmc": only keys the key management centre generated (the encryption half of a dual profile).</summary>
    public string? KeySource { get; set; }

    internal sealed class SubjectDocument
    {
        public List<string>? Required { get; set; }

        public List<string>? Allowed { get; set; }

        public Dictionary<string, string>? Patterns { get; set; }
    }

    internal sealed class SanDocument
    {
        public List<string>? Allowed { get; set; }

        public bool Required { get; set; }

        public int? MaxCount { get; set; }

        public Dictionary<string, string>? Patterns { get; set; }
    }

    internal sealed class KeyUsageDocument
    {
        public List<string>? Rsa { get; set; }

        public List<string>? Ec { get; set; }

        /// <summary>SM2 keys (default: the "ec" list).</summary>
        public List<string>? Sm2 { get; set; }
    }
}
