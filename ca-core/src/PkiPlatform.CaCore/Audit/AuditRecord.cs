namespace PkiPlatform.CaCore.Audit;

/// <summary>What happened, before it is chained. Details are short facts, never secrets.</summary>
/// <param name="Actor">Who: an operator identity, "cli", a system's certificate subject.</param>
/// <param name="Action">Stable verb, e.g. <c>certificate.issued</c>.</param>
/// <param name="Target">What it happened to, e.g. "issuing/4F2A…".</param>
/// <param name="Details">Compact key=value facts.</param>
public sealed record AuditRecord(string Actor, string Action, string Target, string Details);
