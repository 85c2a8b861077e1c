using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Tests.Gguf;

namespace ToolLoop.LlamaCpp.Tests;

[Collection(LlamaRuntimeGroup.Name)]
public sealed class ErrorPathTests
{
    [Fact]
    public void A_truncated_gguf_gives_an_exception_carrying_llama_cpp_log()
    {
        LlamaTestEnvironment.Initialize();
        byte[] valid = TinyScriptedModel.Build(TinyModelRecipe.Reference);
        string path = Path.Combine(Path.GetTempPath(), $"toolloop-truncated-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, valid.AsSpan(0, 4096).ToArray());
        try
        {
            var error = Assert.Throws<LlamaCppException>(() => LlamaModel.Load(path));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.NotEmpty(error.NativeLog);
            Assert.Contains("llama.cpp log:", error.Message, StringComparison.Ordinal);
            Assert.Contains(error.NativeLog, line => line.Contains("gguf", StringComparison.OrdinalIgnoreCase));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_required_key_is_named_by_llama_cpp_log()
    {
        LlamaTestEnvironment.Initialize();
        string path = TinyScriptedModel.WriteTemporary(TinyModelRecipe.Reference with { OmittedKeys = ["llama.context_length"] });

        var error = Assert.Throws<LlamaCppException>(() => LlamaModel.Load(path));

        Assert.Contains(error.NativeLog, line => line.Contains("key not found in model: llama.context_length", StringComparison.Ordinal));
        Assert.Contains("key not found in model: llama.context_length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_reported_before_llama_cpp_is_called()
    {
        string path = Path.Combine(Path.GetTempPath(), $"toolloop-missing-{Guid.NewGuid():N}.gguf");

        var error = Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(path));

        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void A_library_folder_without_libllama_is_refused_before_LLamaSharp_sees_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"toolloop-nolibs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            LlamaTestEnvironment.Initialize();
            var error = Assert.Throws<InvalidOperationException>(() => LlamaCppRuntime.Initialize(directory));

            Assert.Contains("already loaded", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void Initialising_again_without_a_folder_reuses_the_loaded_library()
    {
        LlamaTestEnvironment.Initialize();

        LlamaCppRuntime.Initialize();

        Assert.True(LlamaCppRuntime.IsInitialized);
        Assert.Null(LlamaCppRuntime.LibraryDirectory);
    }

    [Fact]
    public void A_client_without_a_model_path_is_rejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new LlamaCppChatClient(new LlamaCppChatClientOptions()));

        Assert.Contains("ModelPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Llama_cpp_log_goes_to_the_logger_of_the_model()
    {
        LlamaTestEnvironment.Initialize();
        var logger = new CapturingLogger();

        using LlamaModel model = LlamaModel.Load(LlamaTestEnvironment.ReferenceModelPath, new LlamaModelOptions { Logger = logger });

        Assert.Contains(logger.Entries, e => e.Message.Contains("llama_model_loader", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Entries, e => e.Message.EndsWith('\n'));
    }
}
