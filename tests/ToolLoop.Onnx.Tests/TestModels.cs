using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Tests.TinyModel;

namespace ToolLoop.Onnx.Tests;

/// <summary>Tiny scripted model folders (written once per test run) and one shared loaded model.</summary>
internal static class TestModels
{
    private static readonly Lazy<string> s_reference = new(() => TinyGenAiModel.WriteTemporary(TinyGenAiRecipe.Reference));
    private static readonly Lazy<string> s_scenario = new(() => TinyGenAiModel.WriteTemporary(TinyGenAiRecipe.Reference with { ContextLength = 16384 }));
    private static readonly Lazy<Model> s_model = new(() => new Model(ReferenceFolder));
    private static readonly Lazy<Model> s_scenarioModel = new(() => new Model(ScenarioFolder));

    /// <summary>The reference recipe's folder (ChatML + Hermes tools template).</summary>
    public static string ReferenceFolder => s_reference.Value;

    /// <summary>The reference model, loaded once and shared by the tests (never disposed: it lives as long as the test process).</summary>
    public static Model ReferenceModel => s_model.Value;

    /// <summary>The reference recipe with a 16384-token context (the scenario suite asks for contexts up to 8192).</summary>
    public static string ScenarioFolder => s_scenario.Value;

    /// <summary>The scenario model, loaded once and shared.</summary>
    public static Model ScenarioModel => s_scenarioModel.Value;

    /// <summary>Frees the shared models that were loaded (after the last test; see <see cref="GenAIFixture"/>).</summary>
    public static void DisposeLoaded()
    {
        if (s_model.IsValueCreated)
        {
            s_model.Value.Dispose();
        }

        if (s_scenarioModel.IsValueCreated)
        {
            s_scenarioModel.Value.Dispose();
        }
    }

    public static string Write(TinyGenAiRecipe recipe) => TinyGenAiModel.WriteTemporary(recipe);
}
