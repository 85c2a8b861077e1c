using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.TinyModels;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// The scripted tiny ONNX Runtime GenAI models the ONNX benchmarks run, written by the ONNX tests' model writer
/// (linked, not copied) into the temp folder when a benchmark starts: the same three shapes as <see cref="TinyModels"/>.
/// </summary>
internal static class OnnxTinyModels
{
    private static readonly Lock s_lock = new();
    private static OgaHandle? s_handle;

    /// <summary>The tests' reference recipe (ChatML + Hermes tools, a plain reply of four tokens); used for prompt processing.</summary>
    public static TinyGenAiRecipe Prompt => TinyGenAiRecipe.Reference;

    /// <summary>A recipe whose plain reply is 40 tokens, so generation is measured over more than a handful of tokens.</summary>
    public static TinyGenAiRecipe Generation { get; } = TinyGenAiRecipe.Reference with
    {
        Plain = ["Hello", .. Enumerable.Range(1, 39).Select(i => (ScriptPiece)$" w{i:D2}")],
    };

    /// <summary>
    /// The tool loop that goes on, with the llama.cpp loop's template (<see cref="TinyModels.Loop"/>): tools declared
    /// with <c>&lt;tools&gt;</c>, so the model calls <c>get_weather</c>, and tool results without
    /// <c>&lt;tool_response&gt;</c>, so it calls again every round instead of answering.
    /// </summary>
    public static TinyGenAiRecipe Loop { get; } = TinyGenAiRecipe.Reference with { ChatTemplate = TinyModels.Loop.ChatTemplate };

    /// <summary>Writes the recipe's model folder to a new temporary directory.</summary>
    public static string Write(TinyGenAiRecipe recipe) => TinyGenAiModel.WriteTemporary(recipe);

    /// <summary>
    /// Starts GenAI for the process, as an app does: one <see cref="OgaHandle"/>, disposed at exit after every GenAI
    /// object (the benchmarks free theirs in their cleanup). Several benchmark classes run in one process in CI's
    /// in-process Dry run, so no class may shut GenAI down.
    /// </summary>
    public static void StartGenAI()
    {
        lock (s_lock)
        {
            if (s_handle is null)
            {
                s_handle = new OgaHandle();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => s_handle.Dispose();
            }
        }
    }
}
