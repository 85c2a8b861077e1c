using ToolLoop.TinyModels;

namespace ToolLoop.Cli.Demo;

/// <summary>
/// The demo's two tiny scripted models (a GGUF for llama.cpp, a GenAI folder for ONNX Runtime), written on the spot from
/// the writers the tests use. They are bigram tables, not language models: whatever is asked, a prompt that declares
/// tools makes them call <c>calculate</c> with <c>17 * 23</c>, and a prompt holding a tool result makes them say
/// <see cref="AnswerText"/>. Everything between (template, tokenizer, decoding, parsing, the loop, approval, the tool
/// itself) is the real thing.
/// </summary>
internal static class DemoModels
{
    public const string Question = "What is 17 * 23?";
    public const string Expression = "17 * 23";
    public const string ExpectedResult = "391";

    private static readonly string[] s_answer = ["17 * 23 is", " 391."];

    public static string AnswerText => string.Concat(s_answer);

    /// <summary>The GGUF recipe: the reference scripts with a Qwen2.5-style template (tools in the system turn, results in <c>&lt;tool_response&gt;</c>).</summary>
    public static TinyModelRecipe Gguf { get; } = new()
    {
        Name = "toolloop-demo",
        ChatTemplate = TinyGenAiModel.ChatTemplate,
        ToolCall = ["<tool_call>", "\n{\"name\": \"", "calculate", "\", \"arguments\": ", "{\"expression\": \"", Expression, "\"}}\n", "</tool_call>"],
        Answer = s_answer,
    };

    /// <summary>The GenAI recipe (its built-in template is the same Qwen2.5-style one).</summary>
    public static TinyGenAiRecipe GenAi { get; } = new()
    {
        ToolCallBody = ["\n{\"name\": \"", "calculate", "\", \"arguments\": ", "{\"expression\": \"", Expression, "\"}}\n"],
        Answer = [.. s_answer.Select(s => (ScriptPiece)s)],
    };

    /// <summary>Writes the GGUF into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteGguf(string directory)
    {
        var path = Path.Combine(directory, "toolloop-demo.gguf");
        File.WriteAllBytes(path, TinyScriptedModel.Build(Gguf));
        return path;
    }

    /// <summary>Writes the GenAI model folder into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteGenAi(string directory) => TinyGenAiModel.Write(GenAi, Path.Combine(directory, "toolloop-demo-onnx"));
}
