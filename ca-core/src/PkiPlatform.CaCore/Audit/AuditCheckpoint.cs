using System.Globalization;
using System.Text;
using PkiPlatform.KeyStore;

namespace PkiPlatform.CaCore.Audit;

/// <summary>
/// A signed statement "the audit chain had <see cref="Sequence"/> events ending in <see cref="HeadHash"/> at <see cref="Time"/>",
/// kept outside the database (trust-model item 7): whoever can rewrite the tables cannot rewrite the checkpoints
/// without the audit key. Text, one "name: value" per line; the signature covers every line before it.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, byte[] HeadHash, DateTime Time, string KeyLabel, byte[] SubjectPublicKeyInfo, byte[] Signature)
{
    private const string Magic = "pki-audit-checkpoint 1";

    /// <summary>The bytes the signature covers.</summary>
    public byte[] SignedBytes() => Encoding.UTF8.GetBytes(
        $"{Magic}\nsequence: {Sequence.ToString(CultureInfo.InvariantCulture)}\nhead-hash: {Convert.ToHexString(HeadHash)}\n" +
        $"time: {Time.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\nkey: {KeyLabel}\nspki: {Convert.ToBase64String(SubjectPublicKeyInfo)}\n");

    public string Format() => Encoding.UTF8.GetString(SignedBytes()) + $"signature: {Convert.ToBase64String(Signature)}\n";

    /// <summary>Parses a checkpoint file, refusing anything not in this exact shape.</summary>
    public static AuditCheckpoint Parse(string text, string source)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        if (lines.Length != 7 || lines[0] != Magic)
        {
            throw Bad(source, $"expected 7 lines starting with '{Magic}'");
        }

        string Field(int index, string name) =>
            lines[index].StartsWith(name + ": ", StringComparison.Ordinal) ? lines[index][(name.Length + 2)..] : throw Bad(source, $"line {index + 1} must be '{name}: …'");

        try
        {
            var checkpoint = new AuditCheckpoint(
                long.Parse(Field(1, "sequence"), NumberStyles.None, CultureInfo.InvariantCulture),
                Convert.FromHexString(Field(2, "head-hash")),
                DateTime.ParseExact(Field(3, "time"), "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                Field(4, "key"),
                Convert.FromBase64String(Field(5, "spki")),
                Convert.FromBase64String(Field(6, "signature")));
            return checkpoint.HeadHash.Length == 32 ? checkpoint : throw Bad(source, "head-hash must be 32 bytes (SHA-256)");
        }
        catch (FormatException ex)
        {
            throw Bad(source, ex.Message);
        }
        catch (OverflowException ex)
        {
            throw Bad(source, ex.Message);
        }
    }

    private static PkiException Bad(string source, string why) => new(PkiErrorCodes.InvalidArgument, $"audit checkpoint {source} is malformed: {why}");
}
