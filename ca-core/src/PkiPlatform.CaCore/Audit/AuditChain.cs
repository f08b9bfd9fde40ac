using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PkiPlatform.CaCore.Storage;

namespace PkiPlatform.CaCore.Audit;

/// <summary>The hash of one link: SHA-256 over the previous hash and every field, length-prefixed.</summary>
public static class AuditChain
{
    public static byte[] ComputeHash(AuditEventEntity e)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData(e.PreviousHash);
        BinaryPrimitives.WriteInt64BigEndian(number, e.Sequence);
        hash.AppendData(number);
        // Ticks truncated to microseconds: PostgreSQL timestamps keep no finer precision.
        BinaryPrimitives.WriteInt64BigEndian(number, e.Timestamp.Ticks / 10 * 10);
        hash.AppendData(number);
        foreach (var field in new[] { e.Actor, e.Action, e.Target, e.Details })
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            BinaryPrimitives.WriteInt64BigEndian(number, bytes.Length);
            hash.AppendData(number);
            hash.AppendData(bytes);
        }

        return hash.GetHashAndReset();
    }
}
