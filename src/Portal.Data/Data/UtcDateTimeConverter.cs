using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portal.Core.Data;

/// <summary>
/// Every DateTime in the model is UTC. SQLite cannot compare or order DateTimeOffset values, so times are stored
/// as DateTime (text that sorts correctly on SQLite, datetime2 on SQL Server) and marked UTC again when read.
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
