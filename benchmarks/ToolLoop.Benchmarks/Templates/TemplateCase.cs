namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// One of the three real templates the benchmarks render, read from llama.cpp's <c>models/templates</c> in
/// <c>$TOOLLOOP_TEMPLATES_DIR</c> (exported by <c>eval "$(bash eng/fetch-deps.sh)"</c>, as for the tests). Loaded when a
/// benchmark starts, so other benchmarks run without the templates.
/// </summary>
/// <param name="Name">The name the tables show.</param>
/// <param name="FileName">The file in llama.cpp's <c>models/templates</c>.</param>
/// <param name="Family">The family whose fallback and parser the renderer uses.</param>
public sealed record TemplateCase(string Name, string FileName, ToolCallFormat Family)
{
    /// <summary>The environment variable that names the templates folder.</summary>
    public const string DirectoryVariable = "TOOLLOOP_TEMPLATES_DIR";

    /// <summary>Gets the three templates: Qwen3, Gemma 4, Llama 3.1.</summary>
    public static IReadOnlyList<TemplateCase> All { get; } =
    [
        new("Qwen3", "Qwen-Qwen3-0.6B.jinja", ToolCallFormat.Hermes),
        new("Gemma 4", "google-gemma-4-31B-it.jinja", ToolCallFormat.Gemma4),
        new("Llama 3.1", "meta-llama-Llama-3.1-8B-Instruct.jinja", ToolCallFormat.Llama3),
    ];

    /// <summary>Gets the template file's path.</summary>
    /// <exception cref="InvalidOperationException">The folder is not configured or the file is missing.</exception>
    public string Path
    {
        get
        {
            string? directory = Environment.GetEnvironmentVariable(DirectoryVariable);
            if (string.IsNullOrEmpty(directory))
            {
                throw new InvalidOperationException($"{DirectoryVariable} is not set: run eval \"$(bash eng/fetch-deps.sh)\" in the repository first (it fetches llama.cpp's chat templates).");
            }

            string path = System.IO.Path.Combine(directory, FileName);
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"The template {FileName} is not in {DirectoryVariable}={directory}; run eval \"$(bash eng/fetch-deps.sh)\" again.");
        }
    }

    /// <summary>Reads the template text.</summary>
    public string ReadSource() => File.ReadAllText(Path);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
