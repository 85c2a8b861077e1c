using System.Text.Json;

namespace ToolLoop.Cli;

/// <summary>JSON files and lines given on the command line: read, and their mistakes described in words a user can act on.</summary>
internal static class JsonInput
{
    /// <summary>Reads and parses a JSON file; a syntax error becomes an <see cref="InputException"/> naming <paramref name="option"/> and the file.</summary>
    public static async Task<JsonDocument> ReadFileAsync(string path, string option)
    {
        var bytes = await File.ReadAllBytesAsync(path).ConfigureAwait(false);
        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InputException($"{option} {path}: {Describe(ex)}", ex);
        }
    }

    /// <summary>What was wrong with a JSON input (no JSON-reader internals).</summary>
    public static string Describe(Exception ex) => ex switch
    {
        JsonException { BytePositionInLine: { } column, LineNumber: { } row } =>
            row == 0 ? $"not valid JSON (at character {column + 1})" : $"not valid JSON (at line {row + 1}, character {column + 1})",
        JsonException => "not valid JSON",
        _ => ex.Message,
    };
}
