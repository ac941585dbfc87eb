using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

/// <summary>
/// With DataProtection:CertificatePath set, the key ring (behind log-in cookies and antiforgery tokens) is stored
/// encrypted by the operator's certificate and read back after a restart; without it, keys are stored in the clear.
/// The certificate is made here, like an operator's self-signed one.
/// </summary>
public sealed class KeyRingEncryptedAtRest : IDisposable
{
    private const string Password = "key-ring-test-password";
    private const string NoEncryptor = "No XML encryptor configured";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "upscale-portal-tests", "keyring-" + Guid.NewGuid().ToString("N"));

    public KeyRingEncryptedAtRest() => Directory.CreateDirectory(folder);

    [Fact]
    public async Task With_a_certificate_the_keys_are_stored_encrypted_and_read_back_after_a_restart()
    {
        var certificate = CreateCertificate();
        var logs = new CapturedLogs();
        string protectedText;
        await using (var first = Start(certificate, logs))
        {
            protectedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring test").Protect("kept across restarts");
            var keys = await KeysAsync(first);
            Assert.NotEmpty(keys);
            Assert.All(keys, xml =>
            {
                Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", xml, StringComparison.Ordinal);
            });
        }

        await using (var restarted = Start(certificate, logs))
        {
            var text = restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring test").Unprotect(protectedText);
            Assert.Equal("kept across restarts", text);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(NoEncryptor, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_certificate_the_keys_are_stored_in_the_clear_and_the_log_says_so()
    {
        var logs = new CapturedLogs();
        await using var factory = Start(certificate: null, logs);
        factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring test").Protect("plain");

        Assert.Contains(await KeysAsync(factory), xml => xml.Contains("<value>", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(NoEncryptor, StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_password_stops_the_portal_with_a_message_naming_the_setting()
    {
        var certificate = CreateCertificate();
        using var factory = new PortalFactory();
        factory.Settings["DataProtection:CertificatePath"] = certificate;
        factory.Settings["DataProtection:CertificatePassword"] = "wrong";

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("DataProtection:CertificatePath", error.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A database file still open by a background task; the temp folder is cleaned by the OS.
        }
    }

    private string CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Upscale Portal key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, "keyring.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    /// <summary>The portal on a data folder shared by both starts, so the second reads the first one's keys.</summary>
    private LoggedFactory Start(string? certificate, CapturedLogs logs)
    {
        var factory = new LoggedFactory(logs);
        factory.Settings["Storage:DataPath"] = Path.Combine(folder, "data");
        factory.Settings["Jobs:RunWorker"] = "false";
        if (certificate is not null)
        {
            factory.Settings["DataProtection:CertificatePath"] = certificate;
            factory.Settings["DataProtection:CertificatePassword"] = Password;
        }

        _ = factory.Services;
        return factory;
    }

    private static async Task<List<string>> KeysAsync(PortalFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }

    private sealed class LoggedFactory(CapturedLogs logs) : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(logs));
        }
    }
}
