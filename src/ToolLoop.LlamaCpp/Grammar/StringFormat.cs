namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>The string formats a grammar enforces; any other <c>format</c> is an annotation only.</summary>
internal enum StringFormat
{
    /// <summary>No format, or one that is not enforced.</summary>
    None,

    /// <summary><c>uuid</c> (and <c>uuid1</c> … <c>uuid5</c>).</summary>
    Uuid,

    /// <summary><c>date</c> (RFC 3339 full-date).</summary>
    Date,

    /// <summary><c>time</c> (RFC 3339 full-time).</summary>
    Time,

    /// <summary><c>date-time</c> (RFC 3339 date-time).</summary>
    DateTime,
}
