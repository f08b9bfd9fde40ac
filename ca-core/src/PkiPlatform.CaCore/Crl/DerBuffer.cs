using System.Buffers;

namespace PkiPlatform.CaCore.Crl;

/// <summary>
/// A growable buffer of DER with just the encodings a CRL entry needs, written by hand: at a million
/// entries the per-object allocations of an ASN.1 library dominate (BouncyCastle takes ~17 s).
/// </summary>
internal sealed class DerBuffer : IDisposable
{
    private byte[] _buffer;

    public DerBuffer(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    public void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        Length++;
    }

    public void WriteHeader(byte tag, int length)
    {
        var span = Reserve(6);
        span[0] = tag;
        Length += 1 + WriteLength(span[1..], length);
    }

    /// <summary>A positive INTEGER from unsigned big-endian octets (leading zeros stripped, 0x00 added where the high bit is set).</summary>
    public void WriteUnsignedInteger(ReadOnlySpan<byte> value)
    {
        while (value.Length > 1 && value[0] == 0)
        {
            value = value[1..];
        }

        var pad = (value[0] & 0x80) != 0 ? 1 : 0;
        WriteHeader(0x02, value.Length + pad);
        if (pad == 1)
        {
            WriteByte(0);
        }

        Write(value);
    }

    /// <summary>RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050, always Zulu, whole seconds.</summary>
    public void WriteTime(DateTime utc)
    {
        if (utc.Year is >= 1950 and < 2050)
        {
            WriteHeader(0x17, 13);
            WriteDigits(utc.Year % 100, 2);
        }
        else
        {
            WriteGeneralizedTime(utc);
            return;
        }

        WriteClock(utc);
    }

    public void WriteGeneralizedTime(DateTime utc)
    {
        WriteHeader(0x18, 15);
        WriteDigits(utc.Year, 4);
        WriteClock(utc);
    }

    public static int EncodedTimeLength(DateTime utc) => utc.Year is >= 1950 and < 2050 ? 15 : 17;

    public static int HeaderLength(int contentLength) => 1 + LengthOfLength(contentLength);

    public static int IntegerLength(ReadOnlySpan<byte> value)
    {
        while (value.Length > 1 && value[0] == 0)
        {
            value = value[1..];
        }

        var content = value.Length + ((value[0] & 0x80) != 0 ? 1 : 0);
        return HeaderLength(content) + content;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void WriteClock(DateTime utc)
    {
        WriteDigits(utc.Month, 2);
        WriteDigits(utc.Day, 2);
        WriteDigits(utc.Hour, 2);
        WriteDigits(utc.Minute, 2);
        WriteDigits(utc.Second, 2);
        WriteByte((byte)'Z');
    }

    private void WriteDigits(int value, int count)
    {
        var span = Reserve(count);
        for (var i = count - 1; i >= 0; i--)
        {
            span[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        Length += count;
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + count));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsSpan(Length);
    }

    private static int LengthOfLength(int length) => length switch
    {
        < 0x80 => 1,
        < 0x100 => 2,
        < 0x10000 => 3,
        < 0x1000000 => 4,
        _ => 5,
    };

    private static int WriteLength(Span<byte> span, int length)
    {
        var count = LengthOfLength(length);
        if (count == 1)
        {
            span[0] = (byte)length;
            return 1;
        }

        span[0] = (byte)(0x80 | (count - 1));
        for (var i = count - 1; i >= 1; i--)
        {
            span[i] = (byte)length;
            length >>= 8;
        }

        return count;
    }
}
