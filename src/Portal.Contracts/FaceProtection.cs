namespace Portal.Models;

/// <summary>
/// Whether faces are kept the person's own when a GAN-trained network runs: <see cref="Protect"/>
/// redraws each face region with the faithful (PSNR-trained) network of the same scale and blends it
/// into the GAN result; <see cref="Off"/> leaves the GAN result as it is. Only GAN styles on photos
/// are affected; elsewhere the setting changes nothing.
/// </summary>
public enum FaceProtection
{
    Protect,
    Off,
}
