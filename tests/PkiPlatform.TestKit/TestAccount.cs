using PkiPlatform.CaCore.Accounts;

namespace PkiPlatform.TestKit;

/// <summary>An account's certificate (with key files) and the credential the platform sees when it is presented.</summary>
public sealed record TestAccount(TestLeaf Leaf, PlatformCredential Credential);
