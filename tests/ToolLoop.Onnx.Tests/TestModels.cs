using ToolLoop.Onnx.Tests.TinyModel;

namespace ToolLoop.Onnx.Tests;

/// <summary>Tiny scripted model folders written once per test run.</summary>
internal static class TestModels
{
    private static readonly Lazy<string> s_reference = new(() => TinyGenAiModel.WriteTemporary(TinyGenAiRecipe.Reference));

    /// <summary>The reference recipe's folder (ChatML + Hermes tools template).</summary>
    public static string ReferenceFolder => s_reference.Value;

    public static string Write(TinyGenAiRecipe recipe) => TinyGenAiModel.WriteTemporary(recipe);
}
