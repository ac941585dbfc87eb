using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;
using Portal.Web.Components.Pages;

namespace Portal.Tests.Components;

/// <summary>
/// Pages that listen for job updates and poll subscribe only once their load has finished, and not at all when
/// they were closed while it was still running; closing an open page drops its subscription and its timer.
/// </summary>
public sealed class PagesClosedMidLoadLeakNothing : ComponentTest
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");
    private readonly JobEvents events = new();
    private readonly CountingClock clock = new();
    private readonly ClaimsPrincipal user = new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString())], "test"));

    public PagesClosedMidLoadLeakNothing()
    {
        AddMigratedDatabase(connection).Dispose();
        Services.AddSingleton(events);
        Services.AddSingleton<TimeProvider>(clock);
    }

    [Fact]
    public async Task An_open_jobs_page_holds_one_subscription_and_one_timer_until_it_closes()
    {
        var page = Render<Portal.Web.Components.Pages.Jobs>(p => p.AddCascadingValue(Task.FromResult(new AuthenticationState(user))));

        page.WaitForAssertion(() => Assert.Equal(1, events.SubscriberCount));
        Assert.Equal(1, clock.ActiveTimers);

        await DisposeComponentsAsync();
        Assert.Equal(0, events.SubscriberCount);
        Assert.Equal(0, clock.ActiveTimers);
    }

    [Fact]
    public async Task A_jobs_page_closed_while_loading_never_subscribes_nor_polls()
    {
        var signIn = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        Render<Portal.Web.Components.Pages.Jobs>(p => p.AddCascadingValue(signIn.Task));

        await DisposeComponentsAsync();
        signIn.SetResult(new AuthenticationState(user));

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task A_job_page_closed_while_loading_never_subscribes_nor_polls()
    {
        var signIn = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        Render<JobDetail>(p => p.Add(c => c.Id, Guid.NewGuid()).AddCascadingValue(signIn.Task));

        await DisposeComponentsAsync();
        signIn.SetResult(new AuthenticationState(user));

        await AssertNothingLeftAsync();
    }

    /// <summary>The load resumes after the close; give it time to (wrongly) subscribe before checking.</summary>
    private async Task AssertNothingLeftAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(50);
            Assert.Equal(0, events.SubscriberCount);
            Assert.Equal(0, clock.ActiveTimers);
        }
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await connection.DisposeAsync();
    }

    /// <summary>The system clock, counting the timers created through it that are not yet disposed.</summary>
    private sealed class CountingClock : TimeProvider
    {
        private int active;

        public int ActiveTimers => Volatile.Read(ref active);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref active);
            return new CountedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class CountedTimer(ITimer inner, CountingClock owner) : ITimer
        {
            private int disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner.active);
                }

                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
