namespace Portal.Engine.Imaging.Condition;

/// <summary>
/// Reads a JPEG's quantization tables (DQT segments) without decoding it, and estimates the IJG
/// quality setting (libjpeg's 1..100 "-quality") that produced them: the quality whose scaled standard
/// tables (ITU T.81 Annex K) lie closest to the file's. Encoders built on libjpeg, libvips, ImageMagick,
/// Pillow, browsers and most web services use exactly these tables; a camera's own tables still land on
/// the nearest equivalent quality.
/// </summary>
public static class JpegQuantization
{
    // ITU T.81 Annex K tables in natural (row-major) order; IJG scales both by the same factor.
    private static readonly int[] StandardLuma =
    [
        16, 11, 10, 16, 24, 40, 51, 61,
        12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56,
        14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77,
        24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101,
        72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static readonly int[] StandardChroma =
    [
        17, 18, 24, 47, 99, 99, 99, 99,
        18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99,
        47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99,
    ];

    // DQT stores coefficients in zigzag order: ZigZag[k] is the natural index of the k-th stored value.
    private static readonly int[] ZigZag =
    [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
        12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
        58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ];

    /// <summary>The tables by slot (0..3), each 64 values in natural order; empty when the file has none (or is not a JPEG).</summary>
    public static IReadOnlyDictionary<int, int[]> ReadTables(Stream jpeg)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        var tables = new Dictionary<int, int[]>();
        if (jpeg.ReadByte() != 0xFF || jpeg.ReadByte() != 0xD8)
        {
            return tables;
        }

        while (true)
        {
            var marker = NextMarker(jpeg);
            // Tables come before the first scan; stop at SOS, EOI, or the end of a truncated file.
            if (marker is < 0 or 0xDA or 0xD9)
            {
                return tables;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue; // markers without a length
            }

            var high = jpeg.ReadByte();
            var low = jpeg.ReadByte();
            if (high < 0 || low < 0)
            {
                return tables;
            }

            var length = (high << 8) | low;
            if (length < 2)
            {
                return tables;
            }

            var body = new byte[length - 2];
            if (jpeg.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length)
            {
                return tables;
            }

            if (marker == 0xDB)
            {
                ParseDqt(body, tables);
            }
        }
    }

    /// <summary>The tables of a file on disk; empty for anything that is not a JPEG.</summary>
    public static IReadOnlyDictionary<int, int[]> ReadTables(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return ReadTables(stream);
    }

    /// <summary>
    /// The IJG quality (1..100) whose standard tables best match <paramref name="tables"/>: slot 0 against
    /// the luma table, slot 1 (when present) against the chroma table. Null when there is no table 0.
    /// </summary>
    public static int? EstimateQuality(IReadOnlyDictionary<int, int[]> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (!tables.TryGetValue(0, out var luma))
        {
            return null;
        }

        tables.TryGetValue(1, out var chroma);
        var best = 0;
        var bestError = double.MaxValue;
        for (var quality = 1; quality <= 100; quality++)
        {
            var error = Distance(luma, StandardLuma, quality) + (chroma is null ? 0 : Distance(chroma, StandardChroma, quality));
            // Ties (flat 1s at the top qualities) resolve to the lower quality: never claim more than the tables show.
            if (error < bestError)
            {
                (best, bestError) = (quality, error);
            }
        }

        return best;
    }

    /// <summary>IJG's scaling (jcparam.c, <c>jpeg_quality_scaling</c> then <c>jpeg_add_quant_table</c> with baseline limits).</summary>
    public static int[] ScaledTable(bool luma, int quality)
    {
        var basis = luma ? StandardLuma : StandardChroma;
        var q = Math.Clamp(quality, 1, 100);
        var factor = q < 50 ? 5000 / q : 200 - (q * 2);
        return basis.Select(v => Math.Clamp(((v * factor) + 50) / 100, 1, 255)).ToArray();
    }

    private static double Distance(int[] actual, int[] basis, int quality)
    {
        var factor = quality < 50 ? 5000 / quality : 200 - (quality * 2);
        double sum = 0;
        for (var i = 0; i < 64; i++)
        {
            var expected = Math.Clamp(((basis[i] * factor) + 50) / 100, 1, 255);
            // Relative error: a step of 1 in a fine coefficient matters more than in a coarse one.
            sum += Math.Abs(actual[i] - expected) / (double)expected;
        }

        return sum;
    }

    private static void ParseDqt(byte[] body, Dictionary<int, int[]> tables)
    {
        var offset = 0;
        while (offset < body.Length)
        {
            var precision = body[offset] >> 4;
            var slot = body[offset] & 0x0F;
            offset++;
            var size = precision == 0 ? 64 : 128;
            if (slot > 3 || offset + size > body.Length)
            {
                return;
            }

            var table = new int[64];
            for (var k = 0; k < 64; k++)
            {
                table[ZigZag[k]] = precision == 0 ? body[offset + k] : (body[offset + (2 * k)] << 8) | body[offset + (2 * k) + 1];
            }

            tables[slot] = table;
            offset += size;
        }
    }

    private static int NextMarker(Stream jpeg)
    {
        int b;
        do
        {
            b = jpeg.ReadByte();
        }
        while (b >= 0 && b != 0xFF);

        // Fill bytes: any number of 0xFF may precede a marker code.
        do
        {
            b = jpeg.ReadByte();
        }
        while (b == 0xFF);

        return b;
    }
}
