using System.Diagnostics;
using System.Text;

namespace PkiPlatform.Interop.Tests.Cli;

/// <summary>A `pki up` process on a data directory, its console collected, stopped on dispose.</summary>
internal sealed class PkiUpProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PkiUpProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static PkiUpProcess Start(string data, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "pki.dll"), "--data", data, "up" }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PKI_PASSPHRASE"] = "";
        var up = new PkiUpProcess(Process.Start(info)!);
        up._process.OutputDataReceived += (_, line) => up.Append(line.Data);
        up._process.ErrorDataReceived += (_, line) => up.Append(line.Data);
        up._process.BeginOutputReadLine();
        up._process.BeginErrorReadLine();
        return up;
    }

    /// <summary>Waits until the banner's last line is out (everything listens by then).</summary>
    public async Task<string> WaitForBannerAsync()
    {
        for (var i = 0; i < 300 && !_process.HasExited; i++)
        {
            if (Output.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal))
            {
                return Output;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"pki up did not print its banner:\n{Output}");
        return "";
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
