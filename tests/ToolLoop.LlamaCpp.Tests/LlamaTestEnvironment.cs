using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests;

/// <summary>The shared scripted models of the tests, on LLamaSharp's natives from LLamaSharp.Backend.Cpu.</summary>
internal static class LlamaTestEnvironment
{
    private static readonly Lazy<string> s_referenceModel = new(() => TinyScriptedModel.WriteTemporary(TinyModelRecipe.Reference));
    private static readonly Lazy<LlamaModel> s_model = new(() => LlamaModel.Load(s_referenceModel.Value));
    private static readonly Lazy<LlamaModel> s_qwenModel = new(() => LlamaModel.Load(TinyScriptedModel.WriteTemporary(TestRecipes.QwenStyle)));

    /// <summary>Loads llama.cpp and returns the shared reference model (ChatML template).</summary>
    public static LlamaModel ReferenceModel
    {
        get
        {
            Initialize();
            return s_model.Value;
        }
    }

    /// <summary>The shared model with the Qwen2.5 template, which renders tools and tool results.</summary>
    public static LlamaModel QwenModel
    {
        get
        {
            Initialize();
            return s_qwenModel.Value;
        }
    }

    public static string ReferenceModelPath
    {
        get
        {
            Initialize();
            return s_referenceModel.Value;
        }
    }

    public static void Initialize() => LlamaCppRuntime.Initialize();

    public static LlamaModel LoadModel(TinyModelRecipe recipe)
    {
        Initialize();
        return LlamaModel.Load(TinyScriptedModel.WriteTemporary(recipe));
    }
}
