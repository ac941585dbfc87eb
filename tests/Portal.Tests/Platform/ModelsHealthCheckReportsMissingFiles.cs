using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Portal.Models;
using Portal.Web.Features.Health;
using Portal.Core.Jobs;

namespace Portal.Tests.Platform;

public sealed class ModelsHealthCheckReportsMissingFiles : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("models-").FullName;

    [Fact]
    public async Task A_shipped_model_missing_on_disk_is_unhealthy_and_named()
    {
        new ModelManifest { Models = [Entry("a", committed: true), Entry("b", committed: false)] }.Save(Path.Combine(folder, "manifest.json"));

        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("a.onnx", result.Description);
        Assert.DoesNotContain("b.onnx", result.Description);

        File.WriteAllText(Path.Combine(folder, "a.onnx"), "model");
        Assert.Equal(HealthStatus.Healthy, (await Check()).Status);
    }

    [Fact]
    public async Task A_missing_manifest_is_unhealthy()
    {
        Assert.Equal(HealthStatus.Unhealthy, (await Check()).Status);
    }

    [Fact]
    public async Task A_manifest_that_does_not_parse_is_unhealthy_and_says_so()
    {
        File.WriteAllText(Path.Combine(folder, "manifest.json"), """{ "models": [ { "id": "a", "file": "a.onnx" } ] }""");

        var result = await Check();

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("cannot be read", result.Description);
    }

    private static ModelEntry Entry(string id, bool committed) => new()
    {
        Id = id,
        Family = "test",
        ContentType = ContentType.Photo,
        Scale = 2,
        InputRange = "0..1",
        Parameters = 1,
        FlopsPerInputPixel = 1,
        File = $"{id}.onnx",
        Sha256 = new string('0', 64),
        SizeBytes = 5,
        Committed = committed,
        Source = new ModelSource("@test/model", "1.0.0", "sha512-none", "model.json", SourceFormat.TfjsLayers),
        Licence = "MIT",
        LicenceFile = "licences/test.txt",
    };

    private Task<HealthCheckResult> Check()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Models:Path"] = folder }).Build();
        var check = new ModelsHealthCheck(new ModelFolder(configuration, new FakeEnvironment()));
        return check.CheckHealthAsync(new HealthCheckContext());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private sealed class FakeEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Portal.Web";
        public string ContentRootPath { get; set; } = Path.GetTempPath();
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
