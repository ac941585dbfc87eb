namespace Portal.Core.Jobs;

/// <summary>What a finished job produced, as the queue records it.</summary>
public sealed record JobOutput(string ResultKey, string ThumbnailKey, int Width, int Height, long Bytes, long RunMilliseconds, int Tiles);
