using QRCoder;

namespace Portal.Web.Features.Security;

/// <summary>The otpauth:// link of an authenticator app as a QR code, rendered to inline SVG on the server.</summary>
public static class AuthenticatorQrCode
{
    public static string Svg(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(5);
    }
}
