using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;
using Microsoft.JSInterop;
using Portal.Core.Billing;
using Portal.Core.Jobs;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Models;
using Portal.Web.Components.Shared;
using Portal.Web.Features.Security;
using Portal.Web.Features.Uploads;

namespace Portal.Web.Components.Pages;

/// <summary>The upload page: files stream to the upload endpoint from the browser; options, cost and submit live here.</summary>
public sealed partial class Upload : IAsyncDisposable
{
    private static readonly QualityLevel[] Qualities = [QualityLevel.Fast, QualityLevel.Balanced, QualityLevel.Ultra, QualityLevel.Detail];
    private readonly List<UploadItem> items = [];
    private readonly Guid batchId = Guid.CreateVersion7();
    private ElementReference zone;
    private ElementReference picker;
    private DotNetObjectReference<Upload>? self;
    private IJSObjectReference? uploader;
    private bool closed;
    private PricingTier? tier;
    private int balance;
    private string userId = "";
    private ContentType content = ContentType.Photo;
    private int scale = 4;
    private QualityLevel quality = QualityLevel.Fast;
    private OutputFormat format = OutputFormat.SameAsInput;
    private bool stripMetadata;
    private InputCondition? inputCondition;
    private bool protectFaces = true;
    private bool submitting;
    private string? error;

    [Inject]
    private IJSRuntime JS { get; set; } = default!;

    [Inject]
    private AntiforgeryStateProvider Antiforgery { get; set; } = default!;

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private IOptions<BillingOptions> Billing { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ImageUpscaler Upscaler { get; set; } = default!;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private int ReadyCount => items.Count(i => i.Done);

    private bool Uploading => items.Any(i => !i.Done && i.Error is null);

    /// <summary>Why no network serves this content, quality and scale (the lineup only offers models that beat a plain resize).</summary>
    private string? Unavailable
    {
        get
        {
            try
            {
                Upscaler.ResolveModel(new UpscaleRequest { Content = content, Quality = quality, Scale = scale });
                return null;
            }
            catch (UpscaleException e)
            {
                return e.Message;
            }
        }
    }

    /// <summary>Per file: what was detected and which network its cell runs for that condition (or the override).</summary>
    private string? DescribeCondition(UploadItem item)
    {
        if (item.Detected is not { } detected)
        {
            // Measured with the upload: nothing yet, or a file that could not be measured, leaves the line blank.
            return null;
        }

        var condition = inputCondition ?? detected.Condition;
        var detectedText = "Detected " + detected.Describe() + ".";
        var overridden = inputCondition is { } chosen && chosen != detected.Condition ? $" Treated as {(chosen == InputCondition.Clean ? "clean" : "compressed or noisy")} as you chose." : "";
        try
        {
            var model = Upscaler.ResolveModel(new UpscaleRequest { Content = content, Quality = quality, Scale = scale }, condition);
            return $"{detectedText}{overridden} Runs {model.Id}.";
        }
        catch (UpscaleException)
        {
            return detectedText + overridden;
        }
    }

    private int Cost => items.Where(i => i.Done).Sum(i => JobPricing.Cost(i.Width, i.Height, scale, quality));

    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        await using var scope = Scopes.CreateAsyncScope();
        tier = await scope.ServiceProvider.GetRequiredService<JobService>().TierOfAsync(userId);
        balance = (await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId)).Total;
        (scale, quality) = DefaultChoice(tier);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            self = DotNetObjectReference.Create(this);
            await using var module = await JS.InvokeAsync<IJSObjectReference>("import", "./Components/Pages/Upload.razor.js");
            uploader = await module.InvokeAsync<IJSObjectReference>("start", zone, picker, self, Antiforgery.GetAntiforgeryToken()?.Value ?? "");
            if (closed)
            {
                // Closed while the module loaded: stop what it just set up.
                await StopUploaderAsync();
            }
        }
    }

    /// <summary>
    /// The plan's combination the page starts on: x4 Balanced where the lineup offers it, else an offered
    /// one in the plan (Balanced first, then the larger scale), so a new page never opens on a refusal.
    /// </summary>
    private (int Scale, QualityLevel Quality) DefaultChoice(PricingTier plan)
    {
        var offered = plan.Scales
            .SelectMany(s => plan.Qualities.Select(q => (Scale: s, Quality: q)))
            .Where(c => Upscaler.Options.Lineup.Offers(content, c.Scale, c.Quality))
            .OrderByDescending(c => c.Quality == QualityLevel.Balanced)
            .ThenByDescending(c => c.Scale == 4)
            .ThenByDescending(c => c.Scale)
            .ToList();
        return offered.Count > 0
            ? offered[0]
            : (plan.Scales.Contains(4) ? 4 : plan.Scales[0], plan.Qualities.Contains(QualityLevel.Balanced) ? QualityLevel.Balanced : plan.Qualities[0]);
    }

    private string UnlockedBy(Func<PricingTier, bool> allows) =>
        Billing.Value.Tiers.OrderBy(t => t.MonthlyPriceCents).FirstOrDefault(allows)?.Name ?? "not offered";

    [JSInvokable]
    public Task FileAdded(string localId, string fileName, long size, string previewUrl)
    {
        items.Add(new UploadItem(localId, fileName, size, previewUrl));
        return InvokeAsync(StateHasChanged);
    }

    [JSInvokable]
    public Task FileProgress(string localId, int percent)
    {
        if (items.Find(i => i.LocalId == localId) is { } item)
        {
            item.Percent = percent;
        }

        return InvokeAsync(StateHasChanged);
    }

    [JSInvokable]
    public Task FileUploaded(string localId, UploadedImage image)
    {
        if (items.Find(i => i.LocalId == localId) is { } item)
        {
            (item.ImageId, item.Width, item.Height, item.Percent, item.Detected) = (image.Id, image.Width, image.Height, 100, image.Condition);
        }

        return InvokeAsync(StateHasChanged);
    }

    [JSInvokable]
    public Task FileRejected(string localId, string message)
    {
        if (items.Find(i => i.LocalId == localId) is { } item)
        {
            item.Error = message;
        }

        return InvokeAsync(StateHasChanged);
    }

    private void Remove(UploadItem item) => items.Remove(item);

    private async Task SubmitAsync()
    {
        if (submitting)
        {
            return;
        }

        submitting = true;
        error = null;
        try
        {
            var requests = items.Where(i => i.Done)
                .Select(i => new JobRequest(i.ImageId!.Value, content, quality, scale, format, stripMetadata, inputCondition, protectFaces ? FaceProtection.Protect : FaceProtection.Off))
                .ToList();
            await using var scope = Scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<LimitedJobSubmissions>().SubmitAsync(userId, batchId, requests);
            if (result.Succeeded)
            {
                Navigation.NavigateTo($"jobs?batch={batchId}");
                return;
            }

            error = result.Error;
        }
        finally
        {
            submitting = false;
        }
    }

    /// <summary>Closing the page aborts the uploads still running and releases the previews' object URLs.</summary>
    public async ValueTask DisposeAsync()
    {
        closed = true;
        await StopUploaderAsync();
        self?.Dispose();
    }

    private async Task StopUploaderAsync()
    {
        if (Interlocked.Exchange(ref uploader, null) is not { } stopping)
        {
            return;
        }

        try
        {
            await stopping.InvokeVoidAsync("dispose");
            await stopping.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The browser is gone, and its uploads and object URLs with it.
        }
    }
}
