using System.Reflection;
using PkiPlatform.KeyStore;

namespace PkiPlatform.TokenService.Tests.Hosting;

/// <summary>Issue 10: the signing service's codes live in the token service, each with its status in its catalog.</summary>
public sealed class TokenErrorCodesTests
{
    [Test]
    public void EveryDeclaredCode_IsInTheCatalog_UnderTheComponentsPrefix()
    {
        var declared = typeof(TokenErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.That(TokenErrorCodes.Catalog.Select(c => c.Code), Is.EquivalentTo(declared));
        Assert.That(declared, Has.All.Match("^(cms|token)\\."));
        Assert.That(TokenErrorCodes.Catalog.Single(c => c.Code == TokenErrorCodes.CmsTooLarge).Status, Is.EqualTo(413));
        Assert.That(typeof(PkiErrorCodes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!), Has.None.Match("^(cms|token)\\."), "no signing-service code left in key-store");
    }
}
