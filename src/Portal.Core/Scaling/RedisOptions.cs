namespace Portal.Core.Scaling;

/// <summary>Configuration section <c>Redis</c>: job events across nodes. Empty keeps them inside each process.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>redis:6379,password=...</c>; empty turns the relay off.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>The pub/sub channel job events travel on (one per deployment sharing a Redis server).</summary>
    public string Channel { get; set; } = "upscale-portal:jobs";
}
