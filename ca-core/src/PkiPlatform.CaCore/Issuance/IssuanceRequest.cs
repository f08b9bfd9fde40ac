namespace PkiPlatform.CaCore.Issuance;

/// <summary>What to issue: a PKCS#10 request (DER or PEM) against a profile, optionally shorter-lived than the profile's maximum.</summary>
public sealed record IssuanceRequest(byte[] Csr, string Profile, int? ValidityDays = null);
