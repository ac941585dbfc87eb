using MimeKit;

namespace Portal.Core.Email;

/// <summary>Delivers a finished message: over SMTP, or into the local outbox.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
