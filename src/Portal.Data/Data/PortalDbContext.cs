using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Accounts;
using Portal.Core.Billing;
using Portal.Core.Jobs;
using Portal.Core.Uploads;

namespace Portal.Core.Data;

/// <summary>
/// The one database of the portal: accounts, images, jobs, credits and the Data Protection key ring.
/// The same model serves SQLite and SQL Server; each provider has its own migrations assembly.
/// </summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<StoredImage> Images => Set<StoredImage>();

    public DbSet<UpscaleJob> Jobs => Set<UpscaleJob>();

    public DbSet<CreditAccount> CreditAccounts => Set<CreditAccount>();

    public DbSet<CreditEntry> CreditEntries => Set<CreditEntry>();

    public DbSet<ProcessedStripeEvent> ProcessedStripeEvents => Set<ProcessedStripeEvent>();

    public DbSet<CreditAdjustment> CreditAdjustments => Set<CreditAdjustment>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        // Enums are stored by name: readable in the database and safe when members are added.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<StoredImage>(image =>
        {
            image.HasKey(i => i.Id);
            image.Property(i => i.UserId).HasMaxLength(450);
            image.Property(i => i.FileName).HasMaxLength(260);
            image.Property(i => i.StorageKey).HasMaxLength(300);
            image.HasIndex(i => new { i.UserId, i.CreatedAt });
            image.HasOne<PortalUser>().WithMany().HasForeignKey(i => i.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<UpscaleJob>(job =>
        {
            job.HasKey(j => j.Id);
            job.Property(j => j.UserId).HasMaxLength(450);
            job.Property(j => j.ModelId).HasMaxLength(100);
            job.Property(j => j.LeaseOwner).HasMaxLength(100);
            job.Property(j => j.Error).HasMaxLength(1000);
            job.Property(j => j.FaceProtectionNote).HasMaxLength(500);
            job.Property(j => j.ResultKey).HasMaxLength(300);
            job.Property(j => j.ThumbnailKey).HasMaxLength(300);
            job.Property(j => j.Device).HasMaxLength(16);
            // The worker's claim query: queued (or lease-expired) jobs by priority, then age.
            job.HasIndex(j => new { j.Status, j.Priority, j.CreatedAt });
            job.HasIndex(j => new { j.UserId, j.CreatedAt });
            // A double submit (two tabs, a retried request) collides here, inside the database, whatever the timing.
            job.HasIndex(j => new { j.BatchId, j.BatchIndex }).IsUnique();
            job.HasIndex(j => j.ExpiresAt);
            job.HasOne<StoredImage>().WithMany().HasForeignKey(j => j.ImageId).OnDelete(DeleteBehavior.Cascade);
            // No second cascade path from users on SQL Server: jobs go with their image, images with their user.
            job.HasOne<PortalUser>().WithMany().HasForeignKey(j => j.UserId).OnDelete(DeleteBehavior.NoAction);
        });

        builder.Entity<CreditAccount>(account =>
        {
            account.HasKey(a => a.UserId);
            account.Property(a => a.UserId).HasMaxLength(450);
            account.Property(a => a.TierId).HasMaxLength(64);
            account.Ignore(a => a.Total);
            account.Property(a => a.StripeCustomerId).HasMaxLength(100);
            account.Property(a => a.StripeSubscriptionId).HasMaxLength(100);
            account.Property(a => a.SubscriptionStatus).HasMaxLength(32);
            // Webhooks name the customer, not the user: this index maps them back.
            account.HasIndex(a => a.StripeCustomerId);
            account.HasOne<PortalUser>().WithOne().HasForeignKey<CreditAccount>(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CreditEntry>(entry =>
        {
            entry.HasKey(e => e.Id);
            entry.Property(e => e.UserId).HasMaxLength(450);
            entry.Property(e => e.Reference).HasMaxLength(200);
            entry.Property(e => e.Note).HasMaxLength(500);
            // The idempotency guarantee: one grant per invoice, one reserve and one refund per job.
            entry.HasIndex(e => new { e.Kind, e.Reference }).IsUnique();
            entry.HasIndex(e => new { e.UserId, e.CreatedAt });
            entry.HasOne<PortalUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ProcessedStripeEvent>(processed =>
        {
            processed.HasKey(e => e.Id);
            processed.Property(e => e.Id).HasMaxLength(100);
            processed.Property(e => e.Type).HasMaxLength(100);
            processed.Property(e => e.Outcome).HasMaxLength(500);
        });

        builder.Entity<CreditAdjustment>(adjustment =>
        {
            adjustment.HasKey(a => a.Id);
            adjustment.Property(a => a.UserId).HasMaxLength(450);
            adjustment.Property(a => a.AdminUserId).HasMaxLength(450);
            adjustment.Property(a => a.Reason).HasMaxLength(500);
            adjustment.Property(a => a.Outcome).HasMaxLength(500);
            adjustment.HasIndex(a => new { a.UserId, a.CreatedAt });
        });
    }
}
