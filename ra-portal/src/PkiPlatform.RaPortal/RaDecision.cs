namespace PkiPlatform.RaPortal;

/// <summary>One officer's decision on a request: the account that decided, its display name, approve or reject, why, when (UTC).</summary>
public sealed record RaDecision(string Officer, string DisplayName, bool Approved, string Reason, DateTime At);
