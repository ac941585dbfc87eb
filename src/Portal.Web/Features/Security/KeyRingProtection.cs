using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Portal.Core.Data;

namespace Portal.Web.Features.Security;

/// <summary>Data Protection: keys in the database (a restart keeps everyone signed in), encrypted by the operator's certificate.</summary>
public static class KeyRingProtection
{
    public static void AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("UpscalePortal")
            .PersistKeysToDbContext<PortalDbContext>();

        // Read now, not through IOptions: the encryptor is part of the key manager's set-up. A bad value stops
        // the portal at start-up with a message naming the key, like every other option.
        var options = builder.Configuration.GetSection(KeyRingOptions.SectionName).Get<KeyRingOptions>() ?? new KeyRingOptions();
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            return;
        }

        var path = Path.GetFullPath(options.CertificatePath, builder.Environment.ContentRootPath);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"DataProtection:CertificatePath: the certificate {path} could not be loaded ({e.Message}). Check the path and DataProtection:CertificatePassword.", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath: {path} has no private key, so the key ring could not be read back.");
        }

        // Encrypts new keys, and registers the certificate for decrypting them (no certificate store needed).
        dataProtection.ProtectKeysWithCertificate(certificate);
    }
}
