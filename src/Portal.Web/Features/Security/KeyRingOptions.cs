namespace Portal.Web.Features.Security;

/// <summary>
/// Configuration section <c>DataProtection</c>: the certificate that encrypts the Data Protection key ring at rest
/// (the keys behind log-in cookies and antiforgery tokens, kept in the database). Keep the password in
/// user-secrets or the environment.
/// </summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>A PFX (PKCS #12) file with the certificate and its private key; empty stores the keys unencrypted.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}
