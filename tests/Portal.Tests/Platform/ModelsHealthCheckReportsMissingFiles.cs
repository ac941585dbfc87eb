using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Portal.Web.Features.Health;
using Portal.Web.Features.Models;

namespace Portal.Tests.Platform;

public sealed class ModelsHealthCheckReportsMissingFiles : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("models-").FullName;

    [Fact]
    public async Task A_shipped_model_missing_on_disk_is_unhealthy_and_named()
    {
        File.WriteAllText(Path.Combine(folder, "manifest.json"),
            """{ "models": [ { "id": "a", "file": "a.onnx" }, { "id": "b", "file": "b.onnx", "committed": false } ] }""");

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
