using System.CommandLine;

namespace PkiPlatform.Cli;

/// <summary>Command-line mistakes (unknown command or option, a value outside its choices): one line, a suggestion, exit 2.</summary>
internal static class ParseErrors
{
    public static int Report(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var path = string.Join(' ', Ancestors(parsed.CommandResult).Select(c => c.Name));
        // Suggestions from the command and its ancestors: "pki officr list" still finds "officer".
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = parsed.CommandResult; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                names.AddRange(c.Command.Subcommands.Select(s => s.Name).Concat(c.Command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))));
            }
        }

        var suggestion = parsed.UnmatchedTokens.Select(token => Closest(token, names)).FirstOrDefault(s => s is not null);
        var message = string.Join(' ', parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim())).TrimEnd('.');
        Console.Error.WriteLine($"pki: error: {message}{(suggestion is null ? "" : $" (did you mean '{suggestion}'?)")}; see '{path} --help'");
        return CommandRunner.UserError;
    }

    private static IEnumerable<Command> Ancestors(System.CommandLine.Parsing.CommandResult result)
    {
        var chain = new List<Command>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
        {
            if (r is System.CommandLine.Parsing.CommandResult c)
            {
                chain.Insert(0, c.Command);
            }
        }

        return chain.Select((c, i) => i == 0 ? new Command("pki") : c);
    }

    private static string? Closest(string token, IEnumerable<string> names) =>
        names.Select(n => (Name: n, Distance: Distance(token.TrimStart('-'), n.TrimStart('-'))))
            .Where(x => x.Distance <= Math.Max(2, token.Length / 3)).OrderBy(x => x.Distance).Select(x => x.Name).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
