using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed partial class TwoFactorAuthentication(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task An_authenticator_app_can_be_enabled_and_is_then_required_at_log_in()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);

        var setup = await client.GetStringAsync("/Account/Manage/EnableAuthenticator");
        Assert.Contains("<svg", setup);
        var uri = WebUtility.HtmlDecode(OtpAuthUri().Match(setup).Groups["uri"].Value);
        var secret = Regex.Match(uri, "secret=([A-Z2-7]+)").Groups[1].Value;
        Assert.StartsWith("otpauth://totp/Upscale%20Portal:", uri);

        var wrong = await AccountForms.SubmitAsync(client, "/Account/Manage/EnableAuthenticator",
            new Dictionary<string, string> { ["Input.Code"] = "000000" == Totp(secret) ? "111111" : "000000" });
        Assert.Contains("Verification code is invalid", await wrong.Content.ReadAsStringAsync());

        var enabled = await AccountForms.SubmitAsync(client, "/Account/Manage/EnableAuthenticator",
            new Dictionary<string, string> { ["Input.Code"] = Totp(secret) });
        Assert.Contains("recovery codes", await enabled.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var fresh = TestAccounts.NewClient(factory);
        var login = await TestAccounts.LogInAsync(fresh, email);
        Assert.Contains("LoginWith2fa", login.Headers.Location!.ToString());

        var second = await AccountForms.SubmitAsync(fresh, login.Headers.Location!.ToString(),
            new Dictionary<string, string> { ["Input.TwoFactorCode"] = Totp(secret) });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/Account/Manage")).StatusCode);
    }

    /// <summary>RFC 6238 time-based code, as an authenticator app computes it.</summary>
    private static string Totp(string base32Secret)
    {
        var key = Base32Decode(base32Secret);
        var counter = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var message = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(message);
        }

        var hash = HMACSHA1.HashData(key, message);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6");
    }

    private static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"data-url=""(?<uri>otpauth://[^""]+)""")]
    private static partial Regex OtpAuthUri();
}
