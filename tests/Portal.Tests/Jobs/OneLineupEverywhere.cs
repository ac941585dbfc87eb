using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Models.Lineup;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

/// <summary>The portal and the CLI apply one lineup: they refuse the same combination with the same sentence.</summary>
public sealed class OneLineupEverywhere(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private const string PhotoX4BalancedRefusal =
        "Photo x4 Balanced is not offered. For photos at x4 the lineup offers Ultra and Detail; Balanced is offered at x2 and x3.";

    [Fact]
    public async Task The_portal_refuses_photo_x4_balanced_with_the_lineups_sentence_and_charges_nothing()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");

        var submitted = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Photo, QualityLevel.Balanced, 4));

        Assert.False(submitted.Succeeded);
        Assert.Equal(PhotoX4BalancedRefusal, submitted.Error);
        using var scope = factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AnyAsync(j => j.UserId == userId));
    }

    [Fact]
    public async Task The_cli_refuses_it_too_and_the_two_sentences_are_identical()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var portal = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Photo, QualityLevel.Balanced, 4));

        var output = Path.Combine(Path.GetTempPath(), $"cli-{Guid.NewGuid():N}.png");
        var cli = await RunCliAsync("upscale", Uploads.FixturePath("photo.png"), output, "--content", "photo", "--quality", "balanced", "--scale", "4",
            "--models-dir", Path.Combine(RepositoryPaths.Root, "models"));

        Assert.Equal(1, cli.ExitCode);
        Assert.False(File.Exists(output));
        var sentence = cli.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        Assert.Equal(PhotoX4BalancedRefusal, sentence);
        Assert.Equal(portal.Error, sentence);
        Assert.Equal(LineupRules.Current.Refusal(ContentType.Photo, 4, QualityLevel.Balanced), sentence);
    }

    [Fact]
    public async Task Text_is_a_content_type_in_the_portal_and_the_cli_and_both_run_the_trained_model()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var portal = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Text, QualityLevel.Fast, 2));
        Assert.True(portal.Succeeded, portal.Error);
        using (var scope = factory.Services.CreateScope())
        {
            var job = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == portal.JobIds[0]);
            Assert.Equal(ContentType.Text, job.Content);
        }

        var output = Path.Combine(Path.GetTempPath(), $"cli-text-{Guid.NewGuid():N}.png");
        var cli = await RunCliAsync("upscale", Uploads.FixturePath("photo.png"), output, "--content", "text", "--quality", "fast", "--scale", "2",
            "--models-dir", Path.Combine(RepositoryPaths.Root, "models"));

        Assert.True(cli.ExitCode == 0, cli.Error);
        Assert.True(File.Exists(output));
        File.Delete(output);
        Assert.Contains("text-x2", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_records_the_requested_condition_and_the_one_detected_at_upload()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var jpeg = Path.Combine(Path.GetTempPath(), $"q60-{Guid.NewGuid():N}.jpg");
        using (var photo = NetVips.Image.NewFromFile(Path.Combine(RepositoryPaths.Root, "models", "evaluation", "photos", "rocket.png")))
        {
            photo.Jpegsave(jpeg, q: 60);
        }

        var token = await Uploads.TokenAsync(client);
        var response = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(jpeg), "rocket-q60.jpg", token);
        File.Delete(jpeg);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var image = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Portal.Web.Features.Uploads.UploadedImage>(response.Content))!;
        // Measured once, at upload: the page gets it with the upload's answer...
        Assert.Equal(InputCondition.Degraded, image.Condition?.Condition);
        Assert.InRange(image.Condition!.JpegQuality!.Value, 55, 65);
        // ...and a submit reads it from the image's row, never from the file (here gone before the submit).
        using (var setup = factory.Services.CreateScope())
        {
            var key = await setup.ServiceProvider.GetRequiredService<PortalDbContext>().Images.Where(i => i.Id == image.Id).Select(i => i.StorageKey).SingleAsync();
            File.Delete(Path.Combine(factory.DataPath, key));
        }

        var auto = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        var overridden = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2, Condition: InputCondition.Clean));

        Assert.True(auto.Succeeded, auto.Error);
        Assert.True(overridden.Succeeded, overridden.Error);
        using var scope = factory.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking();
        var first = await jobs.SingleAsync(j => j.Id == auto.JobIds[0]);
        var second = await jobs.SingleAsync(j => j.Id == overridden.JobIds[0]);
        Assert.Equal((null, InputCondition.Degraded), (first.RequestedCondition, first.DetectedCondition));
        Assert.InRange(first.DetectedJpegQuality!.Value, 55, 65);
        Assert.NotNull(first.DetectedNoiseSigma);
        Assert.Equal((InputCondition.Clean, InputCondition.Degraded), (second.RequestedCondition, second.DetectedCondition));
    }

    [Fact]
    public async Task An_image_stored_before_uploads_measured_their_condition_is_measured_at_submit()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var jpeg = Path.Combine(Path.GetTempPath(), $"q60-{Guid.NewGuid():N}.jpg");
        using (var photo = NetVips.Image.NewFromFile(Path.Combine(RepositoryPaths.Root, "models", "evaluation", "photos", "coffee.png")))
        {
            photo.Jpegsave(jpeg, q: 60);
        }

        var token = await Uploads.TokenAsync(client);
        var response = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(jpeg), "coffee-q60.jpg", token);
        File.Delete(jpeg);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var image = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Portal.Web.Features.Uploads.UploadedImage>(response.Content))!;
        using (var setup = factory.Services.CreateScope())
        {
            // What the migration leaves on rows uploaded before it: no measurement.
            var db = setup.ServiceProvider.GetRequiredService<PortalDbContext>();
            var row = await db.Images.SingleAsync(i => i.Id == image.Id);
            (row.DetectedCondition, row.DetectedJpegQuality, row.DetectedNoiseSigma) = (null, null, null);
            await db.SaveChangesAsync();
        }

        var submitted = await SubmitAsync(userId, new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));

        Assert.True(submitted.Succeeded, submitted.Error);
        using var scope = factory.Services.CreateScope();
        var job = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == submitted.JobIds[0]);
        Assert.Equal(InputCondition.Degraded, job.DetectedCondition);
        Assert.InRange(job.DetectedJpegQuality!.Value, 55, 65);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "portal.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private async Task<SubmitResult> SubmitAsync(string userId, params JobRequest[] requests)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<JobService>().SubmitAsync(userId, Guid.NewGuid(), requests);
    }
}
