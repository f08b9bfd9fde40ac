using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PkiPlatform.RaPortal.Host.Pages;

public sealed class IndexModel : PageModel
{
}
