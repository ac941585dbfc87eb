using System.Net;
using Azure.Storage.Blobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Storage;

/// <summary>The portal with <c>Storage:Provider=AzureBlob</c>: uploads land in the container, downloads keep their owner checks, account deletion empties it.</summary>
public sealed class UploadsToBlobStorage(BlobPortalFactory factory) : IClassFixture<BlobPortalFactory>
{
    [Fact]
    public async Task An_upload_is_stored_as_a_blob_and_only_its_owner_can_read_it_back()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var bytes = await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png"));

        var image = await Uploads.UploadFixtureAsync(client, "photo.png");

        var blob = Container().GetBlobClient(await KeyOfAsync(image.Id));
        Assert.True(await blob.ExistsAsync());
        Assert.Equal(bytes.Length, (await blob.GetPropertiesAsync()).Value.ContentLength);
        Assert.StartsWith($"users/{Guid.Parse(userId):N}/uploads/", blob.Name, StringComparison.Ordinal);
        Assert.Empty(Directory.Exists(Path.Combine(factory.DataPath, "users")) ? Directory.GetFiles(Path.Combine(factory.DataPath, "users"), "*", SearchOption.AllDirectories) : []);

        Assert.Equal(bytes, await client.GetByteArrayAsync($"/api/images/{image.Id}"));
        var (intruder, _) = await TestAccounts.SignInAsync(factory);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/images/{image.Id}")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_blobs()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var blob = Container().GetBlobClient(await KeyOfAsync(image.Id));
        Assert.True(await blob.ExistsAsync());

        var response = await AccountForms.SubmitAsync(client, "/Account/Manage/DeletePersonalData",
            new Dictionary<string, string> { ["Input.Password"] = TestAccounts.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(await blob.ExistsAsync());
        Assert.Empty(await Container().GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"users/{Guid.Parse(userId):N}/" }).ToListAsync());
    }

    [Fact]
    public async Task The_health_endpoint_reports_the_storage()
    {
        var response = await factory.CreateClient().GetStringAsync("/healthz");

        Assert.Contains("storage", response, StringComparison.Ordinal);
        Assert.Contains("AzureBlobFileStore", response, StringComparison.Ordinal);
    }

    private BlobContainerClient Container() => new(factory.ConnectionString, factory.Container);

    private async Task<string> KeyOfAsync(Guid imageId)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Images.Where(i => i.Id == imageId).Select(i => i.StorageKey).SingleAsync();
    }
}

/// <summary>Blob storage down at upload time: a clear 503, no image row, no credits touched.</summary>
public sealed class UploadsWhileStorageIsDown(UnreachableBlobPortalFactory factory) : IClassFixture<UnreachableBlobPortalFactory>
{
    [Fact]
    public async Task An_upload_answers_503_and_stores_and_charges_nothing()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var before = await Jobs.JobLifecycle.BalanceAsync(factory, userId);

        var response = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png")), "photo.png", await Uploads.TokenAsync(client));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("file storage cannot be reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var scope = factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Images.AnyAsync(i => i.UserId == userId));
        Assert.Equal(before, await Jobs.JobLifecycle.BalanceAsync(factory, userId));
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataPath, "incoming")));
    }
}
