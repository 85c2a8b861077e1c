using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests;

/// <summary>
/// Gate for tests that need the real llama.cpp libraries. With <c>CI</c> set, missing libraries fail the
/// test; locally they skip it with instructions.
/// </summary>
internal static class LlamaTestEnvironment
{
    private static readonly Lazy<string> s_referenceModel = new(() => TinyScriptedModel.WriteTemporary(TinyModelRecipe.Reference));
    private static readonly Lazy<LlamaModel> s_model = new(() => LlamaModel.Load(s_referenceModel.Value));
    private static readonly Lazy<LlamaModel> s_qwenModel = new(() => LlamaModel.Load(TinyScriptedModel.WriteTemporary(TestRecipes.QwenStyle)));

    public static string LibraryDirectory
    {
        get
        {
            string? directory = Environment.GetEnvironmentVariable(LlamaCppRuntime.LibraryDirectoryEnvironmentVariable);
            if (!string.IsNullOrEmpty(directory))
            {
                return directory;
            }

            const string Message =
                "The llama.cpp native libraries are not available: set TOOLLOOP_LLAMA_LIB_DIR to the bins/linux-x64 folder of " +
                "`npm pack @node-llama-cpp/linux-x64@3.22.1`, e.g. run eval \"$(bash eng/fetch-deps.sh)\" before dotnet test.";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail(Message + " (CI is set, so this is a failure.)");
            }

            Assert.Skip(Message);
            return null!;
        }
    }

    /// <summary>Loads llama.cpp (or skips/fails) and returns the shared reference model (ChatML template).</summary>
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

    public static void Initialize() => LlamaCppRuntime.Initialize(LibraryDirectory);

    public static LlamaModel LoadModel(TinyModelRecipe recipe)
    {
        Initialize();
        return LlamaModel.Load(TinyScriptedModel.WriteTemporary(recipe));
    }
}
