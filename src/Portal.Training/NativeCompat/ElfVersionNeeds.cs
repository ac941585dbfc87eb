#nullable enable
// MSBuild also compiles this file alone as an inline task (build/LibTorchSharpCompat.targets), without
// the project's implicit usings, so these are needed there.
#pragma warning disable IDE0005
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#pragma warning restore IDE0005

namespace Portal.Training.NativeCompat;

/// <summary>
/// Reads and edits the symbol-version tables of a 64-bit little-endian ELF shared object.
/// TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 from libstdc++ for one symbol
/// (std::ios_base_library_init) it never calls; Debian 12 stops at 3.4.30. Marking that need
/// weak (VER_FLG_WEAK) lets the loader accept the library. This file is compiled into
/// Portal.Training (tests call it) and, unchanged, into the build's inline MSBuild task, which
/// compiles against netstandard2.0: hence byte arithmetic instead of spans and records.
/// </summary>
public static class ElfVersionNeeds
{
    public const ushort VerFlagWeak = 0x2;
    private const uint SectionTypeVersionNeed = 0x6ffffffe;
    private const uint SectionTypeVersionDefinition = 0x6ffffffd;

    /// <summary>One entry of .gnu.version_r: a version a library needs from another file.</summary>
    public sealed class VersionNeed(string file, string version, ushort flags, long flagsOffset)
    {
        public string File { get; } = file;

        public string Version { get; } = version;

        public ushort Flags { get; } = flags;

        public long FlagsOffset { get; } = flagsOffset;

        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>Lists every version need (.gnu.version_r) of the ELF file's bytes.</summary>
    public static IReadOnlyList<VersionNeed> ReadNeeds(byte[] elf)
    {
        var needs = new List<VersionNeed>();
        var all = ReadSections(elf);
        foreach (var section in all.Where(s => s.Type == SectionTypeVersionNeed))
        {
            var strings = StringTable(elf, all, section.Link);
            var entry = section.Offset;
            for (var i = 0; i < section.Info; i++)
            {
                Require(elf, entry, 16);
                var count = U16(elf, entry + 2);
                var file = ReadString(elf, strings, U32(elf, entry + 4));
                var aux = entry + U32(elf, entry + 8);
                for (var j = 0; j < count; j++)
                {
                    Require(elf, aux, 16);
                    var name = ReadString(elf, strings, U32(elf, aux + 8));
                    needs.Add(new VersionNeed(file, name, U16(elf, aux + 4), aux + 4));
                    aux += U32(elf, aux + 12);
                }
                entry += U32(elf, entry + 12);
            }
        }
        return needs;
    }

    /// <summary>Lists the version names a library defines (.gnu.version_d), e.g. libstdc++'s GLIBCXX_3.4.30.</summary>
    public static IReadOnlyList<string> ReadDefinitions(byte[] elf)
    {
        var names = new List<string>();
        var all = ReadSections(elf);
        foreach (var section in all.Where(s => s.Type == SectionTypeVersionDefinition))
        {
            var strings = StringTable(elf, all, section.Link);
            var entry = section.Offset;
            for (var i = 0; i < section.Info; i++)
            {
                Require(elf, entry, 20);
                var aux = entry + U32(elf, entry + 12);
                Require(elf, aux, 8);
                names.Add(ReadString(elf, strings, U32(elf, aux)));
                entry += U32(elf, entry + 16);
            }
        }
        return names;
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on every need of <paramref name="version"/>; returns how many entries
    /// it changed (0 when already weak). Throws when the file does not need that version at all,
    /// so a new TorchSharp build that drops the need is noticed rather than silently patched.
    /// </summary>
    public static int MarkWeak(byte[] elf, string version)
    {
        var matches = ReadNeeds(elf).Where(n => n.Version == version).ToList();
        if (matches.Count == 0)
        {
            throw new InvalidDataException($"The ELF file does not need symbol version {version}; nothing to mark weak.");
        }
        var changed = 0;
        foreach (var need in matches.Where(n => !n.IsWeak))
        {
            var flags = need.Flags | VerFlagWeak;
            elf[need.FlagsOffset] = (byte)flags;
            elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
            changed++;
        }
        return changed;
    }

    /// <summary>The system's libstdc++ (first found in the usual library folders), or null.</summary>
    public static string? FindSystemLibStdCxx()
    {
        string[] folders =
        [
            "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        ];
        return folders.Select(f => Path.Combine(f, "libstdc++.so.6")).FirstOrDefault(File.Exists);
    }

    private sealed class Section(uint type, long offset, long size, uint link, uint info)
    {
        public uint Type { get; } = type;

        public long Offset { get; } = offset;

        public long Size { get; } = size;

        public uint Link { get; } = link;

        public uint Info { get; } = info;
    }

    private static List<Section> ReadSections(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("Not an ELF file (the first four bytes are not 0x7F 'E' 'L' 'F').");
        }
        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("Only 64-bit little-endian ELF files are supported.");
        }
        var sectionTable = checked((long)U64(elf, 0x28));
        var entrySize = U16(elf, 0x3A);
        var count = U16(elf, 0x3C);
        var all = new List<Section>(count);
        for (var i = 0; i < count; i++)
        {
            var header = sectionTable + (long)i * entrySize;
            Require(elf, header, 64);
            all.Add(new Section(U32(elf, header + 4), checked((long)U64(elf, header + 24)), checked((long)U64(elf, header + 32)),
                U32(elf, header + 40), U32(elf, header + 44)));
        }
        return all;
    }

    private static Section StringTable(byte[] elf, List<Section> all, uint index)
    {
        if (index >= all.Count)
        {
            throw new InvalidDataException($"The version section links to string table {index}, beyond the {all.Count} sections.");
        }
        var table = all[(int)index];
        Require(elf, table.Offset, table.Size);
        return table;
    }

    private static string ReadString(byte[] elf, Section table, uint offset)
    {
        if (offset >= table.Size)
        {
            throw new InvalidDataException($"A version name points to offset {offset}, past its string table ({table.Size} bytes).");
        }
        var start = (int)(table.Offset + offset);
        var end = Array.IndexOf(elf, (byte)0, start, (int)(table.Size - offset));
        if (end < 0)
        {
            throw new InvalidDataException("A version name is not terminated inside its string table.");
        }
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private static void Require(byte[] elf, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > elf.Length)
        {
            throw new InvalidDataException($"The ELF file is truncated: {length} bytes at offset {offset} lie past its end ({elf.Length} bytes).");
        }
    }

    private static ushort U16(byte[] b, long o) => (ushort)(b[o] | b[o + 1] << 8);

    private static uint U32(byte[] b, long o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

    private static ulong U64(byte[] b, long o) => U32(b, o) | (ulong)U32(b, o + 4) << 32;
}

#if !PORTAL_TRAINING
/// <summary>
/// The build step (MSBuild inline task over this same file): copies libLibTorchSharp.so to a
/// folder the build owns and marks its GLIBCXX_3.4.32 need weak, unless the system libstdc++
/// already defines that version. Portal.Training defines PORTAL_TRAINING, so it compiles only
/// the static class above.
/// </summary>
public sealed class MarkLibTorchSharpCompatible : Microsoft.Build.Utilities.Task
{
    [Microsoft.Build.Framework.Required]
    public string Source { get; set; } = "";

    [Microsoft.Build.Framework.Required]
    public string Destination { get; set; } = "";

    [Microsoft.Build.Framework.Required]
    public string Version { get; set; } = "";

    /// <summary>True when a patched copy was written; false when the original is fine as it is.</summary>
    [Microsoft.Build.Framework.Output]
    public bool Patched { get; set; }

    public override bool Execute()
    {
        var libstdcxx = ElfVersionNeeds.FindSystemLibStdCxx();
        if (libstdcxx is null || ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(libstdcxx)).Contains(Version))
        {
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                $"libLibTorchSharp.so used as shipped: {libstdcxx ?? "no system libstdc++ found"} {(libstdcxx is null ? "" : "defines " + Version)}.");
            return true;
        }
        var elf = File.ReadAllBytes(Source);
        ElfVersionNeeds.MarkWeak(elf, Version);
        Directory.CreateDirectory(Path.GetDirectoryName(Destination)!);
        // Rewrite only when the content changes, so incremental builds do not copy the file again.
        if (!File.Exists(Destination) || !File.ReadAllBytes(Destination).SequenceEqual(elf))
        {
            File.WriteAllBytes(Destination, elf);
        }
        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
            $"libLibTorchSharp.so: {Version} need marked weak ({libstdcxx} lacks it); patched copy at {Destination}.");
        Patched = true;
        return true;
    }
}
#endif
