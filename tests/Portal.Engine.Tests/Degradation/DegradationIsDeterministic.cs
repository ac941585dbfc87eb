using System.Security.Cryptography;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Degradation;

/// <summary>Training and evaluation rely on one seed giving one picture, byte for byte.</summary>
public sealed class DegradationIsDeterministic
{
    [Theory]
    [InlineData(DegradationStrength.Light, 4)]
    [InlineData(DegradationStrength.Medium, 4)]
    [InlineData(DegradationStrength.Heavy, 4)]
    [InlineData(DegradationStrength.Heavy, 2)]
    public void A_preset_with_one_seed_gives_the_same_bytes_and_another_seed_other_bytes(DegradationStrength strength, int scale)
    {
        var original = TestPhotos.Crop("coffee.png", 96);
        var plan = DegradationPresets.For(strength, scale);
        var once = Degrader.Degrade(original, plan, scale, seed: 7);
        var again = Degrader.Degrade(original, plan, scale, seed: 7);
        var other = Degrader.Degrade(original, plan, scale, seed: 8);

        Assert.Equal(96 / scale, once.Width);
        Assert.Equal(96 / scale, once.Height);
        Assert.Equal(Hash(once), Hash(again));
        Assert.NotEqual(Hash(once), Hash(other));
    }

    [Fact]
    public void The_random_recipe_with_one_seed_gives_the_same_plan_and_bytes()
    {
        var original = TestPhotos.Crop("rocket.png", 128);
        var settings = new DegradationSettings();
        Assert.Equal(settings.Sample(4, new SeededRandom(11)), settings.Sample(4, new SeededRandom(11)));
        Assert.Equal(Hash(Degrader.Degrade(original, settings, 4, 11)), Hash(Degrader.Degrade(original, settings, 4, 11)));
        Assert.NotEqual(Hash(Degrader.Degrade(original, settings, 4, 11)), Hash(Degrader.Degrade(original, settings, 4, 12)));
    }

    [Fact]
    public void The_generator_sequence_is_pinned()
    {
        // xoshiro256** seeded by SplitMix64 from 0: if this moves, every published seed means something else.
        var random = new SeededRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, random.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, random.NextUInt64());
    }

    [Fact]
    public void Heavier_strengths_lose_more_of_the_picture()
    {
        var original = TestPhotos.Crop("coffee.png", 192);
        var reference = Resampler.Resize(original, 48, 48, Resampler.Kernel.Bicubic);
        var psnr = Enum.GetValues<DegradationStrength>()
            .Select(s => ImageQuality.Psnr(reference, Degrader.Degrade(original, DegradationPresets.For(s, 4), 4, 1), 0))
            .ToArray();
        Assert.True(psnr[0] > psnr[1] && psnr[1] > psnr[2], $"PSNR vs a clean downscale: {string.Join(" / ", psnr)}");
    }

    [Fact]
    public void An_original_that_does_not_divide_by_the_scale_is_refused()
    {
        var original = TestPhotos.Crop("coffee.png", 30);
        var error = Assert.Throws<ArgumentException>(() => Degrader.Degrade(original, DegradationPresets.Light(4), 4, 1));
        Assert.Contains("30x30", error.Message);
    }

    private static string Hash(RgbImage image) => Convert.ToHexString(SHA256.HashData(image.ToBytes()));
}
