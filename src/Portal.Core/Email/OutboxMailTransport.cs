using Microsoft.Extensions.Logging;
using MimeKit;
using Portal.Core.Storage;

namespace Portal.Core.Email;

/// <summary>
/// Writes each message as an .eml file into the outbox folder, so a self-hosted portal without SMTP
/// still lets a person confirm their address (open the file, or follow the link in the log).
/// </summary>
public sealed partial class OutboxMailTransport(DataFolders folders, TimeProvider clock, ILogger<OutboxMailTransport> logger) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var stamp = clock.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'.'fffffff");
        var path = Path.Combine(folders.Outbox, $"{stamp}-{Guid.NewGuid():N}.eml");
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await message.WriteToAsync(stream, cancellationToken);
        }

        // Rename last so a reader never sees half a message.
        File.Move(temporary, path);
        LogWritten(message.To.ToString(), message.Subject ?? "", path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No SMTP server configured: e-mail to {To} \"{Subject}\" written to {Path}")]
    private partial void LogWritten(string to, string subject, string path);
}
