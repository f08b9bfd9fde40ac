namespace PkiPlatform.RaPortal.Host.Portal;

/// <summary>The portal's stylesheet, served from /portal.css (self-hosted: no CDN, and the CSP allows only 'self').</summary>
internal static class PortalStyles
{
    public const string Css = """
        :root { --ink: #1d2733; --muted: #5b6b7c; --line: #d7dee6; --accent: #0b5cad; --bad: #b42318; --good: #067647; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", system-ui, sans-serif; color: var(--ink); background: #f5f7fa; }
        header { background: var(--accent); color: #fff; padding: .8rem 1.5rem; display: flex; gap: 1.5rem; align-items: center; }
        header a { color: #fff; text-decoration: none; }
        header .brand { font-weight: 700; margin-right: auto; }
        main { max-width: 60rem; margin: 1.5rem auto; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1.5rem 2rem; }
        label { display: block; font-weight: 600; margin-top: .9rem; }
        input[type=text], select, textarea { width: 100%; padding: .5rem; border: 1px solid var(--line); border-radius: 4px; font: inherit; }
        textarea { font-family: monospace; min-height: 9rem; }
        button { margin-top: 1rem; margin-right: .5rem; padding: .55rem 1.2rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; font: inherit; cursor: pointer; }
        button.secondary { background: #e8eef5; color: var(--ink); }
        button.danger { background: var(--bad); }
        .error { color: var(--bad); }
        .field-error { color: var(--bad); font-size: .9rem; }
        .pass { color: var(--good); }
        .fail { color: var(--bad); }
        table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
        th, td { text-align: left; padding: .45rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .muted { color: var(--muted); }
        .zones { max-width: 60rem; margin: .5rem auto 0; font-size: .85rem; display: flex; gap: 1rem; justify-content: flex-end; }
        .zones a { color: var(--muted); }
        .zones a.current { font-weight: 700; color: var(--ink); }
        code { word-break: break-all; }
        """;
}
