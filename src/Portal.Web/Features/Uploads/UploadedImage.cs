namespace Portal.Web.Features.Uploads;

/// <summary>What the upload page learns about a stored image.</summary>
public sealed record UploadedImage(Guid Id, string FileName, int Width, int Height, string Format, long SizeBytes);
