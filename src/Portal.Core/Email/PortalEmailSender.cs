using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Portal.Core.Accounts;

namespace Portal.Core.Email;

/// <summary>Composes the account e-mails Identity asks for and hands them to the transport.</summary>
public sealed partial class PortalEmailSender(
    IMailTransport transport,
    IOptions<EmailOptions> options,
    ILogger<PortalEmailSender> logger) : IEmailSender<PortalUser>
{
    public Task SendConfirmationLinkAsync(PortalUser user, string email, string confirmationLink) =>
        SendLinkAsync(email, "Confirm your e-mail address",
            "Welcome to Upscale Portal. Please confirm your e-mail address to start upscaling.",
            "Confirm my address", confirmationLink);

    public Task SendPasswordResetLinkAsync(PortalUser user, string email, string resetLink) =>
        SendLinkAsync(email, "Reset your password",
            "Someone (hopefully you) asked to reset the password of your Upscale Portal account. If it was not you, ignore this message.",
            "Choose a new password", resetLink);

    public Task SendPasswordResetCodeAsync(PortalUser user, string email, string resetCode) =>
        SendAsync(email, "Your password reset code",
            $"<p>Your password reset code is: <strong>{WebUtility.HtmlEncode(resetCode)}</strong></p>",
            $"Your password reset code is: {resetCode}");

    private Task SendLinkAsync(string email, string subject, string intro, string action, string link)
    {
        // Identity hands the link already HTML-encoded; the plain-text part needs it decoded.
        var plainLink = WebUtility.HtmlDecode(link);
        LogLink(subject, email, plainLink);
        var html = $"""
            <p>{WebUtility.HtmlEncode(intro)}</p>
            <p><a href="{link}">{WebUtility.HtmlEncode(action)}</a></p>
            <p>If the button does not work, copy this address into your browser:<br>{link}</p>
            """;
        return SendAsync(email, subject, html, $"{intro}\n\n{action}: {plainLink}\n");
    }

    private async Task SendAsync(string email, string subject, string html, string text)
    {
        var settings = options.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        message.To.Add(MailboxAddress.Parse(email));
        message.Subject = subject;
        message.Body = new BodyBuilder { HtmlBody = html, TextBody = text }.ToMessageBody();
        await transport.SendAsync(message);
    }

    // The link is the only way a local user without SMTP can confirm; it is a one-time token, not a secret key.
    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail \"{Subject}\" to {Email}: {Link}")]
    private partial void LogLink(string subject, string email, string link);
}
