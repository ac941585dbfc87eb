using Portal.Training.NativeCompat;
using TorchSharp;

namespace Portal.Training.Tests.NativeCompat;

public sealed class LibTorchSharpLoads
{
    private static string ShippedShim => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static bool SystemHasVersion =>
        ElfVersionNeeds.FindSystemLibStdCxx() is { } path && ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(path)).Contains("GLIBCXX_3.4.32");

    [Fact]
    public void A_tensor_operation_runs_on_the_cpu()
    {
        using var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        using var b = torch.ones(3, 2);
        using var product = a.matmul(b);
        Assert.Equal(new float[] { 3, 3, 12, 12 }, product.data<float>().ToArray());
    }

    [Fact]
    public void The_copied_shim_marks_the_glibcxx_need_weak_only_where_the_system_lacks_it()
    {
        var needs = ElfVersionNeeds.ReadNeeds(File.ReadAllBytes(ShippedShim));
        var need = Assert.Single(needs, n => n.Version == "GLIBCXX_3.4.32");
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.Equal(!SystemHasVersion, need.IsWeak);
        // Nothing else is weakened.
        Assert.All(needs.Where(n => n.Version != "GLIBCXX_3.4.32"), n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void Marking_weak_changes_only_the_flag_bytes_and_is_idempotent()
    {
        var original = PackageShim();
        var patched = (byte[])original.Clone();
        Assert.Equal(1, ElfVersionNeeds.MarkWeak(patched, "GLIBCXX_3.4.32"));
        var differing = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).ToList();
        var flagsOffset = ElfVersionNeeds.ReadNeeds(original).Single(n => n.Version == "GLIBCXX_3.4.32").FlagsOffset;
        Assert.All(differing, i => Assert.InRange(i, flagsOffset, flagsOffset + 1));
        Assert.NotEmpty(differing);
        Assert.Equal(0, ElfVersionNeeds.MarkWeak(patched, "GLIBCXX_3.4.32"));
    }

    [Fact]
    public void A_version_the_file_does_not_need_or_a_non_elf_file_is_refused_with_a_reason()
    {
        var missing = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.MarkWeak(PackageShim(), "GLIBCXX_9.9.9"));
        Assert.Contains("does not need symbol version GLIBCXX_9.9.9", missing.Message);
        var notElf = Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.ReadNeeds(new byte[128]));
        Assert.Contains("Not an ELF file", notElf.Message);
        var truncated = PackageShim()[..4096];
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.ReadNeeds(truncated));
    }

    [Fact]
    public void The_system_libstdcxx_version_definitions_are_read()
    {
        var path = ElfVersionNeeds.FindSystemLibStdCxx();
        Assert.NotNull(path);
        var versions = ElfVersionNeeds.ReadDefinitions(File.ReadAllBytes(path));
        Assert.Contains("GLIBCXX_3.4", versions);
        Assert.Contains("CXXABI_1.3", versions);
    }

    /// <summary>The unpatched shim from the NuGet package folder (the build patches a copy, never this).</summary>
    private static byte[] PackageShim()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return File.ReadAllBytes(Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so"));
    }
}
