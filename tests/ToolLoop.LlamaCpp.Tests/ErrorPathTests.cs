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
    public void A_wrong_library_folder_names_every_path_tried()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"toolloop-nolibs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var error = Assert.Throws<LlamaCppException>(() => LlamaCppRuntime.Initialize(directory));

            string[] expected =
            [
                Path.Combine(directory, "libggml.v0.5.0.so"),
                Path.Combine(directory, "libggml.so"),
                Path.Combine(directory, "libllama.v0.5.0.so"),
                Path.Combine(directory, "libllama.so"),
            ];
            Assert.Equal(expected, error.ProbedPaths);
            Assert.All(expected, p => Assert.Contains(p, error.Message, StringComparison.Ordinal));
            Assert.Contains("NativeLibraryDirectory option", error.Message, StringComparison.Ordinal);
            Assert.Contains("npm pack @node-llama-cpp/linux-x64@3.22.1", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_reported_as_such_through_the_model_options()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"toolloop-absent-{Guid.NewGuid():N}");
        string model = TinyScriptedModel.WriteTemporary(TinyModelRecipe.Reference);

        var error = Assert.Throws<LlamaCppException>(() => LlamaModel.Load(model, new LlamaModelOptions { NativeLibraryDirectory = directory }));

        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(directory, "libllama.v0.5.0.so"), error.ProbedPaths);
    }

    [Fact]
    public void A_second_copy_of_the_libraries_is_refused_but_no_folder_reuses_the_loaded_one()
    {
        string loaded = LlamaTestEnvironment.LibraryDirectory;
        LlamaTestEnvironment.Initialize();
        string copy = Path.Combine(Path.GetTempPath(), $"toolloop-libcopy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        try
        {
            foreach (string file in Directory.GetFiles(loaded, "*.so"))
            {
                File.CreateSymbolicLink(Path.Combine(copy, Path.GetFileName(file)), file);
            }

            var error = Assert.Throws<InvalidOperationException>(() => LlamaCppRuntime.Initialize(copy));

            Assert.Contains("already loaded", error.Message, StringComparison.Ordinal);
            LlamaCppRuntime.Initialize();
            LlamaCppRuntime.Initialize(loaded);
            Assert.Equal(Path.GetFullPath(loaded), LlamaCppRuntime.LibraryDirectory);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
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
