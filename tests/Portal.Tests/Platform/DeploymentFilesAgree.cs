using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

/// <summary>
/// The container images cannot be built here: <c>PublishContainer</c> must pull its base image from a registry
/// even when it writes an archive (no daemon needed), and this machine reaches no registry. Instead the image
/// settings in the project files, the compose file and the Kubernetes manifests are checked against each other.
/// </summary>
public sealed partial class DeploymentFilesAgree
{
    [Fact]
    public void Images_named_in_the_projects_are_the_ones_compose_and_kubernetes_run()
    {
        var web = Property("src/Portal.Web/Portal.Web.csproj", "ContainerRepository");
        var worker = Property("src/Portal.Worker/Portal.Worker.csproj", "ContainerRepository");
        Assert.Equal(("upscale-portal-web", "upscale-portal-worker"), (web, worker));

        var compose = Read("deploy/compose.yaml");
        Assert.Contains($"image: {web}:", compose);
        Assert.Contains($"image: {worker}:", compose);
        Assert.Contains($"image: {web}:", Read("deploy/k8s/web.yaml"));
        Assert.Contains($"image: {worker}:", Read("deploy/k8s/worker.yaml"));
    }

    [Fact]
    public void The_gpu_worker_runs_on_cuda_13_with_cudnn_9_asks_for_a_gpu_and_may_drain_before_it_is_killed()
    {
        Assert.Matches(CudaBase(), Property("src/Portal.Worker/Portal.Worker.csproj", "ContainerBaseImage"));

        var manifest = Read("deploy/k8s/worker.yaml");
        Assert.Contains("nvidia.com/gpu: 1", manifest);
        var grace = int.Parse(GracePeriod().Match(manifest).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var drain = int.Parse(DrainSeconds().Match(manifest).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(grace > drain, $"terminationGracePeriodSeconds {grace} must exceed Jobs__DrainSeconds {drain}.");

        var compose = Read("deploy/compose.yaml");
        Assert.Contains("driver: nvidia", compose);
        var stop = int.Parse(StopGrace().Match(compose).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var composeDrain = int.Parse(DrainSeconds().Match(compose).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(stop > composeDrain, $"stop_grace_period {stop}s must exceed Jobs__DrainSeconds {composeDrain}.");
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryPaths.Root, path));

    private static string Property(string project, string name) =>
        XDocument.Parse(Read(project)).Descendants(name).Single().Value.Trim();

    [GeneratedRegex(@"^nvidia/cuda:13\.[0-9.]+-cudnn-runtime-")]
    private static partial Regex CudaBase();

    [GeneratedRegex(@"terminationGracePeriodSeconds:\s*(\d+)")]
    private static partial Regex GracePeriod();

    [GeneratedRegex(@"Jobs__DrainSeconds\D+(\d+)")]
    private static partial Regex DrainSeconds();

    [GeneratedRegex(@"stop_grace_period:\s*(\d+)s")]
    private static partial Regex StopGrace();
}
