namespace ToolLoop.Parsing;

/// <summary>
/// The keys a family's JSON call object uses. Keys a family defines are read (the name, the arguments, an id); a
/// <c>"type": "function"</c> discriminator and the OpenAI wrapper <c>{"type": "function", "function": {…}}</c> are
/// understood everywhere; every other key is kept on the call as <see cref="ParsedToolCall.AdditionalFieldsJson"/>.
/// </summary>
internal sealed class JsonCallShape
{
    /// <summary>Hermes, Llama 3, Granite, …: <c>{"name", "arguments" | "parameters"}</c>; an <c>"id"</c> is an additional field.</summary>
    public static readonly JsonCallShape Default = new();

    /// <summary>Mistral: <c>{"name", "arguments", "id"}</c>, the id being the call id the template round-trips.</summary>
    public static readonly JsonCallShape WithId = new() { IdKey = "id" };

    /// <summary>Gets the key of the tool name.</summary>
    public string NameKey { get; init; } = "name";

    /// <summary>Gets the keys of the arguments; at most one may be present.</summary>
    public string[] ArgumentKeys { get; init; } = ["arguments", "parameters"];

    /// <summary>Gets the key of the model's own call id, or <see langword="null"/> when the family writes none.</summary>
    public string? IdKey { get; init; }

    /// <summary>
    /// Gets a value indicating whether the call object's one key is the tool name and its value the arguments (Apertus:
    /// <c>{"get_weather": {…}}</c>); <see cref="NameKey"/> and <see cref="ArgumentKeys"/> are then not used.
    /// </summary>
    public bool NameIsKey { get; init; }
}
