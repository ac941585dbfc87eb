using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Email;

/// <summary>Configuration section <c>Email</c>. Without an SMTP host, mail goes to the outbox folder.</summary>
public sealed class EmailOptions
{
    public const string SectionName = "Email";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "no-reply@upscale-portal.local";

    [Required]
    public string FromName { get; set; } = "Upscale Portal";

    /// <summary>SMTP server host; empty writes messages to <c>outbox/</c> in the data folder instead.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    public string? SmtpUserName { get; set; }

    public string? SmtpPassword { get; set; }

    /// <summary>Use STARTTLS (or implicit TLS on port 465).</summary>
    public bool SmtpUseTls { get; set; } = true;
}
