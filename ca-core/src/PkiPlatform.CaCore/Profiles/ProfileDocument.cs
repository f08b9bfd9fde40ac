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

    public int? Approvals { get; set; }

    public int? RevocationApprovals { get; set; }

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
    }
}
