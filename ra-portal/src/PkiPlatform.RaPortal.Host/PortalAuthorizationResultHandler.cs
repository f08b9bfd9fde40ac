using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace PkiPlatform.RaPortal.Host;

/// <summary>Authenticated but without the role: the API answers 403 with a problem, pages with a refusal page.</summary>
internal sealed class PortalAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.Request.Path.StartsWithSegments("/api"))
        {
            // Issue 11: a 403 always says which role is missing (and which one the account holds).
            var needed = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Distinct().ToList();
            var held = context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList();
            await ServiceDefaults.PkiProblems.WriteAsync(context, ServiceDefaults.PkiProblems.RoleMissing,
                $"this endpoint needs the role {string.Join(" or ", needed)}; your account holds {(held.Count == 0 ? "no role" : string.Join(", ", held))}");
            return;
        }

        if (authorizeResult.Forbidden)
        {
            // Issue 11: the refusal page names the role the page needs, in the portal's language.
            var text = new Portal.PortalText(new HttpContextAccessor { HttpContext = context });
            var needed = policy.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>()
                .SelectMany(r => r.AllowedRoles).Distinct().Select(r => text.Role(Enum.Parse<CaCore.Storage.RaRole>(r)));
            var held = context.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => text.Role(Enum.Parse<CaCore.Storage.RaRole>(c.Value))).ToList();
            await RaPortalEndpoints.RefusalPage(context, StatusCodes.Status403Forbidden,
                text.Format("errorpage.403.roles", string.Join(" / ", needed), held.Count == 0 ? text.Role(null) : string.Join(", ", held)));
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
