namespace Portal.Engine.Tests.Support;

/// <summary>Unlike <see cref="Progress{T}"/>, reports on the calling thread, so tests see every report in order.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
