using System.Buffers.Binary;
using System.IO.Compression;

namespace Portal.Engine.Imaging;

/// <summary>
/// Writes interleaved RGB samples, in any chunking, as a PNG (filter "none", fastest deflate) whose
/// IDAT chunks go straight to disk. The engine's intermediate result: libvips reads it back through
/// a custom source in strips, so neither writing nor encoding holds the whole output in memory
/// (a raw file read with rawload is memory-mapped and showed as resident memory the size of the
/// output: 1.1 GB for 16384 x 16384). Measured against libvips reading a raw file or writing the
/// intermediate itself: the same PNG, but 1.9x to 4.5x the peak memory (docs/BENCHMARKS.md).
/// </summary>
internal sealed class PngStreamWriter : WriteOnlyStream
{
    private const int ChunkBytes = 1 << 18;
    private static readonly uint[] CrcTable = MakeCrcTable();

    private readonly Stream output;
    private readonly bool sixteenBit;
    private readonly long rowBytes;
    private readonly IdatStream idat;
    private readonly ZLibStream deflate;
    private readonly byte[] swap = new byte[1 << 16];
    private long rowPosition;
    private bool finished;

    public PngStreamWriter(Stream file, int width, int height, bool sixteenBit)
    {
        output = file;
        this.sixteenBit = sixteenBit;
        rowBytes = (long)width * 3 * (sixteenBit ? 2 : 1);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = (byte)(sixteenBit ? 16 : 8);
        ihdr[9] = 2; // truecolour RGB
        WriteChunk(file, "IHDR"u8, ihdr);
        idat = new IdatStream(file);
        deflate = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true);
    }

    /// <summary>Samples as the engine holds them: bytes, or native-endian 16-bit values.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (rowPosition == 0)
            {
                deflate.WriteByte(0); // filter type "none"
            }

            var take = (int)Math.Min(buffer.Length, rowBytes - rowPosition);
            WriteSamples(buffer[..take]);
            buffer = buffer[take..];
            rowPosition = (rowPosition + take) % rowBytes;
        }
    }

    /// <summary>Ends the deflate stream and writes IEND. Must be called once all rows are written.</summary>
    public void Finish()
    {
        if (finished)
        {
            return;
        }

        finished = true;
        deflate.Dispose();
        idat.Flush();
        WriteChunk(output, "IEND"u8, []);
        output.Flush();
    }

    public override void Flush() => deflate.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            deflate.Dispose();
            idat.Dispose();
        }

        base.Dispose(disposing);
    }

    private void WriteSamples(ReadOnlySpan<byte> samples)
    {
        if (!sixteenBit || !BitConverter.IsLittleEndian)
        {
            deflate.Write(samples);
            return;
        }

        // PNG stores 16-bit samples big-endian. Rows hold whole samples, and writes never split one.
        while (!samples.IsEmpty)
        {
            var take = Math.Min(samples.Length, swap.Length);
            var swapped = swap.AsSpan(0, take);
            BinaryPrimitives.ReverseEndianness(
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(samples[..take]),
                System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(swapped));
            deflate.Write(swapped);
            samples = samples[take..];
        }
    }

    private static void WriteChunk(Stream file, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        file.Write(word);
        file.Write(type);
        file.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, type), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        file.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    /// <summary>Collects deflate output and emits it as IDAT chunks of up to 256 KB.</summary>
    private sealed class IdatStream(Stream file) : WriteOnlyStream
    {
        private readonly byte[] pending = new byte[ChunkBytes];
        private int used;

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var take = Math.Min(buffer.Length, pending.Length - used);
                buffer[..take].CopyTo(pending.AsSpan(used));
                used += take;
                buffer = buffer[take..];
                if (used == pending.Length)
                {
                    Flush();
                }
            }
        }

        public override void Flush()
        {
            if (used > 0)
            {
                WriteChunk(file, "IDAT"u8, pending.AsSpan(0, used));
                used = 0;
            }
        }
    }
}
