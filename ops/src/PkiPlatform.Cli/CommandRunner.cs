using System.CommandLine;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli;

/// <summary>
/// Runs a command's body and turns failures into one line on stderr and an exit code: 2 for a
/// user error (with the fix in the message), 70 for an internal error. No stack traces unless
/// PKI_DEBUG=1.
/// </summary>
internal static class CommandRunner
{
    public const int UserError = 2;
    public const int InternalError = 70;

    public static void SetRun(this Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((result, cancellationToken) => RunAsync(() => body(result, cancellationToken)));

    private static async Task<int> RunAsync(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (PkiException ex)
        {
            await Console.Error.WriteLineAsync($"pki: error: {ex.Message}");
            Debug(ex);
            return UserError;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("pki: cancelled");
            return 130;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"pki: error: {ex.Message}");
            Debug(ex);
            return UserError;
        }
        catch (UnauthorizedAccessException ex)
        {
            await Console.Error.WriteLineAsync($"pki: error: {ex.Message}");
            Debug(ex);
            return UserError;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"pki: internal error ({ex.GetType().Name}): {ex.Message.Split('\n')[0]}; rerun with PKI_DEBUG=1 for details");
            Debug(ex);
            return InternalError;
        }
    }

    private static void Debug(Exception ex)
    {
        if (Environment.GetEnvironmentVariable("PKI_DEBUG") == "1")
        {
            Console.Error.WriteLine(ex);
        }
    }
}
