using System.Text;
using ToolLoop.Benchmarks.Infrastructure;
using ToolLoop.Parsing;

namespace ToolLoop.Benchmarks.Inputs;

/// <summary>
/// A hostile output (a flood of markers or near-markers, or the speculative bare-JSON shape) of a given size, with the
/// parser's examined-characters count for it: linear parsing examines each character a bounded number of times.
/// </summary>
public sealed class HostileInput : IMeasuredInput, IExtraFigures
{
    private readonly Lazy<(double Whole, double Chunked)> _examined;

    internal HostileInput(string shape, string family, ToolCallFormat format, ToolCallParserOptions options, string unit, int utf8Bytes)
    {
        Shape = shape;
        FamilyKey = family;
        Format = format;
        Options = options;
        Text = Repeat(unit, utf8Bytes);
        Size = ParserInputs.Size(utf8Bytes);
        _examined = new(() => (Examined(chunkSize: Text.Length), Examined(chunkSize: ParserInput.ChunkSize)));
    }

    /// <summary>Gets the shape's name (<c>prose</c>, <c>opener-flood</c>, <c>prefix-flood</c>, <c>bare-json-name</c>, …).</summary>
    public string Shape { get; }

    /// <summary>Gets the family key, or <c>auto</c>.</summary>
    public string FamilyKey { get; }

    /// <summary>Gets the format the input is parsed with.</summary>
    public ToolCallFormat Format { get; }

    /// <summary>Gets the options (declared tools, as the parsing client passes them).</summary>
    public ToolCallParserOptions Options { get; }

    /// <summary>Gets the output.</summary>
    public string Text { get; }

    /// <summary>Gets the size label (<c>256KB</c>, <c>1MB</c>).</summary>
    public string Size { get; }

    /// <summary>Gets a value indicating whether this is the prose reference the <c>× prose</c> column divides by.</summary>
    public bool IsProse => Shape == "prose";

    /// <inheritdoc/>
    public long Bytes => Encoding.UTF8.GetByteCount(Text);

    /// <inheritdoc/>
    public long Units => (Text.Length + ParserInput.ChunkSize - 1) / ParserInput.ChunkSize;

    /// <inheritdoc/>
    public string UnitName => "chunk";

    /// <summary>Gets the characters the parser examined per input character, parsed whole and in 4-char chunks.</summary>
    public (double Whole, double Chunked) ExaminedPerChar => _examined.Value;

    /// <summary>Gets <c>examinedPerChar</c> for the method's entry (whole for <c>ParseWhole</c>, else 4-char chunks).</summary>
    /// <param name="method">The benchmark method.</param>
    /// <returns>The figures.</returns>
    public IEnumerable<(string Name, double Value)> Figures(string method)
    {
        yield return ("examinedPerChar", method == "ParseWhole" ? ExaminedPerChar.Whole : ExaminedPerChar.Chunked);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{FamilyKey} {Shape} {Size}";

    private static string Repeat(string unit, int utf8Bytes)
    {
        int unitBytes = Encoding.UTF8.GetByteCount(unit);
        var sb = new StringBuilder(utf8Bytes);
        for (int bytes = 0; bytes + unitBytes <= utf8Bytes; bytes += unitBytes)
        {
            sb.Append(unit);
        }

        return sb.ToString();
    }

    /// <summary>Runs the parser core (the public parser's engine) to read its examined-characters counter; no public API exposes it.</summary>
    private double Examined(int chunkSize)
    {
        var events = new List<ToolCallParseEvent>();
        using var core = new ParserCore(Format, Options);
        for (int i = 0; i < Text.Length; i += chunkSize)
        {
            core.Append(Text.AsSpan(i, Math.Min(chunkSize, Text.Length - i)), events);
            events.Clear();
        }

        core.Complete(events);
        return (double)core.ExaminedChars / Text.Length;
    }
}
