namespace ToolLoop.TinyModels;

/// <summary>
/// What the tiny scripted model says. Greedy decoding (and sampling at ordinary temperatures) replays
/// exactly one script, chosen by the markers in the context: <see cref="Plain"/> when neither
/// <c>&lt;tools&gt;</c> nor <c>&lt;tool_response&gt;</c> occurs, <see cref="ToolCall"/> when
/// <c>&lt;tools&gt;</c> occurs, <see cref="Answer"/> when <c>&lt;tool_response&gt;</c> occurs. Every
/// script ends with <c>&lt;|im_end|&gt;</c>. The defaults are the reference recipe
/// (<c>shared/reference/make_tiny_gguf.py</c>).
/// </summary>
/// <remarks>
/// Each script entry is one generated token. An entry equal to an existing token (a marker such as
/// <c>&lt;tool_call&gt;</c>, or one of <see cref="ExtraUserDefinedTokens"/>) reuses it; any other entry
/// becomes a new normal token. Every entry of all three scripts must be a different token (the model
/// is a bigram table), at most 57 in total.
/// </remarks>
internal sealed record TinyModelRecipe
{
    public const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}" +
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    public static TinyModelRecipe Reference { get; } = new();

    public string Name { get; init; } = "tiny-scripted-toolcall";

    /// <summary>More user-defined tokens (type 4), added after the reference markers; for example <c>&lt;think&gt;</c>.</summary>
    public IReadOnlyList<string> ExtraUserDefinedTokens { get; init; } = [];

    /// <summary>More control tokens (type 3), added after <see cref="ExtraUserDefinedTokens"/>; for example <c>[TOOL_CALLS]</c>.</summary>
    public IReadOnlyList<string> ExtraControlTokens { get; init; } = [];

    public IReadOnlyList<string> Plain { get; init; } = ["Hello", " from the", " tiny scripted", " model."];

    public IReadOnlyList<string> ToolCall { get; init; } =
        ["<tool_call>", "\n{\"name\": \"", "get_weather", "\", \"arguments\": ", "{\"city\": \"", "Paris", "\"}}\n", "</tool_call>"];

    public IReadOnlyList<string> Answer { get; init; } = ["The weather in", " Paris is", " sunny, 22 C."];

    public string ChatTemplate { get; init; } = ChatMlTemplate;

    /// <summary>Second-choice continuations (see <see cref="ScriptDetour"/>); their tokens count toward the 57.</summary>
    public IReadOnlyList<ScriptDetour> Detours { get; init; } = [];

    /// <summary>SentencePiece's <c>add_space_prefix</c>: llama.cpp then adds a space before the text of every tokenize call and after every special token. Default false (the reference).</summary>
    public bool AddSpacePrefix { get; init; }

    /// <summary>Metadata keys left out of the file, to provoke llama.cpp's load errors.</summary>
    public IReadOnlyCollection<string> OmittedKeys { get; init; } = [];

    public string PlainText => string.Concat(Plain);

    public string ToolCallText => string.Concat(ToolCall);

    public string AnswerText => string.Concat(Answer);
}
