using System.CommandLine;
using PkiPlatform.KeyStore;

namespace PkiPlatform.Cli.Commands;

/// <summary><c>pki key list|generate|destroy</c>: key custody, every change audited.</summary>
internal static class KeyCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List the keys in the configured key store");
        list.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            foreach (var key in runtime.Keys.List())
            {
                Console.WriteLine($"{key.Label,-40} {key.Algorithm.ToName(),-9} {key.Backend}");
            }

            return 0;
        });

        var label = new Argument<string>("label") { Description = "Key label (letters, digits, '.', '_', '-')" };
        var algorithm = new Option<string>("--algorithm") { Description = KeyAlgorithmNames.Accepted, DefaultValueFactory = _ => "ec-p256" };
        var generate = new Command("generate", "Generate a key pair") { label, algorithm };
        generate.SetRun(async (result, cancellationToken) =>
        {
            var parsed = KeyAlgorithmNames.Parse(result.GetValue(algorithm)!);
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            var key = await runtime.Ca.KeyCustody.GenerateAsync(result.GetValue(label)!, parsed, CliOptions.ActorOf(result), cancellationToken: cancellationToken);
            Console.WriteLine($"generated {key.Label} ({key.Algorithm.ToName()}, {key.Backend})");
            Console.Write(Pem.Encode("PUBLIC KEY", key.SubjectPublicKeyInfo));
            return 0;
        });

        var destroyLabel = new Argument<string>("label") { Description = "Key label" };
        var destroy = new Command("destroy", "Destroy a key irrevocably (refused for a CA's signing key)") { destroyLabel };
        destroy.SetRun(async (result, cancellationToken) =>
        {
            using var runtime = await CliOptions.OpenAsync(result, cancellationToken);
            await runtime.Ca.KeyCustody.DestroyAsync(result.GetValue(destroyLabel)!, CliOptions.ActorOf(result), cancellationToken);
            Console.WriteLine($"destroyed {result.GetValue(destroyLabel)}");
            return 0;
        });

        return new Command("key", "Key custody") { list, generate, destroy };
    }
}
