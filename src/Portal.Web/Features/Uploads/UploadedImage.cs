using Portal.Engine.Imaging.Condition;

namespace Portal.Web.Features.Uploads;

/// <summary>What the upload page learns about a stored image, including its measured condition (null when it could not be measured).</summary>
public sealed record UploadedImage(Guid Id, string FileName, int Width, int Height, string Format, long SizeBytes, InputConditionReport? Condition = null);
