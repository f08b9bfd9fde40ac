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
            await RaPortalEndpoints.RefusalPage(context, StatusCodes.Status403Forbidden,
                "your certificate does not hold the role this page needs / 您的证书没有访问此页面所需的角色");
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
