using System.Text;

namespace ToolLoop.TinyModels;

/// <summary>
/// What the tiny scripted GenAI model says. Greedy decoding (and sampling at temperatures up to about 2)
/// replays one script, chosen by the markers in the context: <see cref="Plain"/> when neither
/// <c>&lt;tools&gt;</c> nor <c>&lt;tool_response&gt;</c> occurs, <c>&lt;tool_call&gt;</c> + <see cref="ToolCallBody"/>
/// + <c>&lt;/tool_call&gt;</c> when <c>&lt;tools&gt;</c> occurs, <see cref="Answer"/> when <c>&lt;tool_response&gt;</c>
/// occurs. Every script ends with <c>&lt;|im_end|&gt;</c>. The defaults are the reference recipe
/// (<c>shared/reference/make_tiny_genai_model.py</c>); every piece of the three scripts must be a different token.
/// </summary>
internal sealed record TinyGenAiRecipe
{
    public static TinyGenAiRecipe Reference { get; } = new();

    /// <summary>The plain reply. Its first piece is also reachable by BPE merges, so encoding it gives one token.</summary>
    public IReadOnlyList<ScriptPiece> Plain { get; init; } = ["Hello", " from the", " tiny scripted", " model."];

    /// <summary>The pieces between <c>&lt;tool_call&gt;</c> and <c>&lt;/tool_call&gt;</c>.</summary>
    public IReadOnlyList<ScriptPiece> ToolCallBody { get; init; } =
        ["\n{\"name\": \"", "get_weather", "\", \"arguments\": ", "{\"city\": \"", "Paris", "\"}}\n"];

    public IReadOnlyList<ScriptPiece> Answer { get; init; } = ["The weather in", " Paris is", " sunny, 22 C."];

    /// <summary>The model's context length (<c>context_length</c>, <c>search.max_length</c>, <c>model_max_length</c>). Reference: 4096.</summary>
    public int ContextLength { get; init; } = 4096;

    /// <summary>The chat template stored in <c>tokenizer_config.json</c>; <see langword="null"/>: the built-in ChatML + Hermes tools template.</summary>
    public string? ChatTemplate { get; init; }

    public string PlainText => Text(Plain);

    public string ToolCallText => "<tool_call>" + Text(ToolCallBody) + "</tool_call>";

    public string AnswerText => Text(Answer);

    private static string Text(IReadOnlyList<ScriptPiece> pieces) => Encoding.UTF8.GetString([.. pieces.SelectMany(p => p.Utf8)]);
}
