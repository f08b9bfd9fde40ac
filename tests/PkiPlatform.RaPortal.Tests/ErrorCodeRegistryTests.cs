using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PkiPlatform.KeyStore;
using PkiPlatform.RaPortal.Host.Portal;
using PkiPlatform.ServiceDefaults;

namespace PkiPlatform.RaPortal.Tests;

/// <summary>Issue 10: each component registers its codes with their status; the RA host knows every code it can meet, in Chinese too.</summary>
public sealed class ErrorCodeRegistryTests
{
    private static readonly Type[] CodeClasses = [typeof(PkiErrorCodes), typeof(CaCore.CaErrorCodes), typeof(RaErrorCodes)];

    [Test]
    public void EveryDeclaredCode_IsInItsComponentsCatalog()
    {
        foreach (var type in CodeClasses)
        {
            var declared = type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
            var catalog = ((IReadOnlyList<PkiErrorCode>)type.GetField("Catalog")!.GetValue(null)!).Select(c => c.Code).ToList();
            Assert.That(catalog, Is.EquivalentTo(declared), type.Name);
        }
    }

    [Test]
    public void RaHostRegistry_HasEveryCodeWithAStatusAndChineseWording()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddPkiErrorCodes(RaErrorCodes.Catalog);
        using var services = builder.Services.BuildServiceProvider();
        var catalog = services.GetRequiredService<PkiErrorCatalog>();
        var expected = CodeClasses.SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
            .Concat(PkiProblems.Catalog.Select(c => c.Code)).Distinct().ToList();
        Assert.Multiple(() =>
        {
            foreach (var code in expected)
            {
                var found = catalog.Find(code);
                Assert.That(found, Is.Not.Null, code);
                Assert.That(found!.Status, Is.AnyOf(400, 401, 403, 404, 409, 413, 422, 500), code);
                Assert.That(PortalText.HasChineseText(found), Is.True, $"no Chinese wording for {found.MessageKey}");
            }
        });
    }

    [Test]
    public void SameCodeWithAnotherStatus_RefusedAtComposition() =>
        Assert.That(() => new PkiErrorCatalog().Register([new PkiErrorCode("ra.forbidden", 403), new PkiErrorCode("ra.forbidden", 400)]),
            Throws.InvalidOperationException.With.Message.Contains("registered twice"));
}
