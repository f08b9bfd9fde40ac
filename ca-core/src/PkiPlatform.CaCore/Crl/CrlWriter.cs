using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using PkiPlatform.CaCore.Authorities;
using PkiPlatform.CaCore.Issuance;
using PkiPlatform.KeyStore.Signing;

namespace PkiPlatform.CaCore.Crl;

/// <summary>
/// Builds and signs a CRL by streaming: entries are encoded by hand straight into one buffer (about
/// 50 bytes each), the TBSCertList is hashed piece by piece as the signature input, and the result is
/// written to the output without another copy. A million entries take well under the BouncyCastle
/// generator's ~17 s and a fraction of its memory.
/// </summary>
public static class CrlWriter
{
    // 2.5.29.21 reasonCode, 2.5.29.24 invalidityDate, as complete DER OBJECT IDENTIFIERs.
    private static readonly byte[] ReasonCodeOid = [0x06, 0x03, 0x55, 0x1D, 0x15];
    private static readonly byte[] InvalidityDateOid = [0x06, 0x03, 0x55, 0x1D, 0x18];

    /// <summary>Writes the signed CRL to <paramref name="output"/> and returns the number of entries.</summary>
    public static int Write(Authority issuer, CrlDocument document, IEnumerable<CrlEntry> entries, Stream output)
    {
        using var body = new DerBuffer(1 << 16);
        var count = 0;
        foreach (var entry in entries)
        {
            WriteEntry(body, entry);
            count++;
        }

        Finish(issuer, document, body, count, output);
        return count;
    }

    /// <summary>As <see cref="Write"/>, reading entries as the database streams them.</summary>
    public static async Task<int> WriteAsync(Authority issuer, CrlDocument document, IAsyncEnumerable<CrlEntry> entries, Stream output, CancellationToken cancellationToken)
    {
        using var body = new DerBuffer(1 << 16);
        var count = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            WriteEntry(body, entry);
            count++;
        }

        Finish(issuer, document, body, count, output);
        return count;
    }

    private static void Finish(Authority issuer, CrlDocument document, DerBuffer body, int count, Stream output)
    {
        var algorithm = SignatureAlgorithms.Identifier(issuer.SignatureAlgorithm).GetDerEncoded();
        var head = new DerBuffer(512);
        var tail = new DerBuffer(512);
        try
        {
            head.Write([0x02, 0x01, 0x01]); // version v2 (RFC 5280 §5.1.2.1: v2 because extensions are present)
            head.Write(algorithm);
            head.Write(issuer.Subject.GetDerEncoded());
            head.WriteTime(ExtensionBuilder.WholeSeconds(document.ThisUpdate));
            head.WriteTime(ExtensionBuilder.WholeSeconds(document.NextUpdate));
            if (count > 0)
            {
                // RFC 5280 §5.1.2.6: when there are no revoked certificates the list is absent, not empty.
                head.WriteHeader(0x30, body.Length);
            }

            var extensions = new DerTaggedObject(true, 0, Extensions(issuer, document)).GetDerEncoded();
            tail.Write(extensions);

            var tbsLength = head.Length + (count > 0 ? body.Length : 0) + tail.Length;
            var tbsHeader = new DerBuffer(8);
            try
            {
                tbsHeader.WriteHeader(0x30, tbsLength);
                using var signing = issuer.Signer.BeginSign(issuer.SignatureAlgorithm);
                signing.Update(tbsHeader.WrittenSpan);
                signing.Update(head.WrittenSpan);
                if (count > 0)
                {
                    signing.Update(body.WrittenSpan);
                }

                signing.Update(tail.WrittenSpan);
                var signature = signing.Complete();

                var bitString = new DerBitString(signature).GetDerEncoded();
                var total = tbsHeader.Length + tbsLength + algorithm.Length + bitString.Length;
                var outer = new DerBuffer(8);
                try
                {
                    outer.WriteHeader(0x30, total);
                    output.Write(outer.WrittenSpan);
                    output.Write(tbsHeader.WrittenSpan);
                    output.Write(head.WrittenSpan);
                    if (count > 0)
                    {
                        output.Write(body.WrittenSpan);
                    }

                    output.Write(tail.WrittenSpan);
                    output.Write(algorithm);
                    output.Write(bitString);
                }
                finally
                {
                    outer.Dispose();
                }
            }
            finally
            {
                tbsHeader.Dispose();
            }
        }
        finally
        {
            head.Dispose();
            tail.Dispose();
        }
    }

    private static void WriteEntry(DerBuffer body, in CrlEntry entry)
    {
        var revokedAt = ExtensionBuilder.WholeSeconds(entry.RevokedAt);
        var hasReason = entry.Reason is > 0;
        var invalidity = entry.InvalidityDate is { } date ? ExtensionBuilder.WholeSeconds(date) : (DateTime?)null;

        // Extension: SEQUENCE { OID, OCTET STRING { ENUMERATED } } = 30 0A <oid 5> 04 03 0A 01 rr
        const int reasonLength = 12;
        // Extension: SEQUENCE { OID, OCTET STRING { GeneralizedTime } } = 30 18 <oid 5> 04 11 <17 bytes>
        const int invalidityLength = 26;
        var extensionsContent = (hasReason ? reasonLength : 0) + (invalidity is null ? 0 : invalidityLength);
        var extensionsLength = extensionsContent == 0 ? 0 : DerBuffer.HeaderLength(extensionsContent) + extensionsContent;
        var content = DerBuffer.IntegerLength(entry.Serial) + DerBuffer.EncodedTimeLength(revokedAt) + extensionsLength;

        body.WriteHeader(0x30, content);
        body.WriteUnsignedInteger(entry.Serial);
        body.WriteTime(revokedAt);
        if (extensionsContent == 0)
        {
            return;
        }

        body.WriteHeader(0x30, extensionsContent);
        if (hasReason)
        {
            body.Write([0x30, 0x0A]);
            body.Write(ReasonCodeOid);
            body.Write([0x04, 0x03, 0x0A, 0x01, (byte)entry.Reason!.Value]);
        }

        if (invalidity is { } time)
        {
            // RFC 5280 §5.3.2: invalidityDate is always GeneralizedTime.
            body.Write([0x30, 0x18]);
            body.Write(InvalidityDateOid);
            body.Write([0x04, 0x11]);
            body.WriteGeneralizedTime(time);
        }
    }

    private static X509Extensions Extensions(Authority issuer, CrlDocument document)
    {
        var generator = new X509ExtensionsGenerator();
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuer.Entity.SubjectKeyId));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(document.Number)));
        if (document.BaseNumber is { } baseNumber)
        {
            // RFC 5280 §5.2.4: the delta CRL indicator is critical.
            generator.AddExtension(X509Extensions.DeltaCrlIndicator, true, new CrlNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(baseNumber)));
        }
        else if (document.FreshestCrlUrl is { } url)
        {
            generator.AddExtension(X509Extensions.FreshestCrl, false, new CrlDistPoint([ExtensionBuilder.Point(url)]));
        }

        return generator.Generate();
    }
}
