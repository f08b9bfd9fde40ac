namespace PkiPlatform.TestKit;

/// <summary>An issued test certificate with its key, both also on disk for the command-line tools.</summary>
public sealed record TestLeaf(string Serial, byte[] Der, string CertificatePath, string KeyPath);
