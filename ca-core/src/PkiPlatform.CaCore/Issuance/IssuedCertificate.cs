namespace PkiPlatform.CaCore.Issuance;

/// <summary>A certificate that now exists and is stored.</summary>
public sealed record IssuedCertificate(string Serial, string Profile, string SubjectDn, DateTime NotBefore, DateTime NotAfter, byte[] Der);
