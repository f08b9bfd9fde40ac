namespace PkiPlatform.CaCore.Crl;

/// <summary>A CRL that was signed, stored and written out.</summary>
public sealed record PublishedCrl(string Authority, long Number, long? BaseNumber, DateTime ThisUpdate, DateTime NextUpdate, int EntryCount, string Path);
