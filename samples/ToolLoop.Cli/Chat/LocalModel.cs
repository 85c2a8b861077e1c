using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp;
using ToolLoop.Onnx;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// A local model opened by path: a <c>.gguf</c> file through the llama.cpp adapter (LLamaSharp), or an ONNX Runtime GenAI
/// model folder (one with <c>genai_config.json</c>) through the ONNX adapter.
/// </summary>
internal sealed class LocalModel : IDisposable
{
    private LocalModel(IChatClient client, string runtime, ToolCallFormat format)
    {
        Client = client;
        Runtime = runtime;
        Format = format;
    }

    /// <summary>The adapter's client (owns the model).</summary>
    public IChatClient Client { get; }

    /// <summary>"llama.cpp" or "ONNX Runtime GenAI".</summary>
    public string Runtime { get; }

    /// <summary>The tool-call family the adapter parses.</summary>
    public ToolCallFormat Format { get; }

    /// <summary>Checks the path before anything loads: a usage-level mistake is an <see cref="InputException"/>.</summary>
    public static void Validate(string path)
    {
        if (File.Exists(path))
        {
            if (!path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            {
                throw new InputException($"{path}: a model file must be a .gguf file (or give an ONNX Runtime GenAI model folder)");
            }

            return;
        }

        if (Directory.Exists(path))
        {
            if (!File.Exists(Path.Combine(path, "genai_config.json")))
            {
                throw new InputException($"{path}: the folder has no genai_config.json, so it is not an ONNX Runtime GenAI model folder");
            }

            return;
        }

        throw new InputException($"{path}: no such file or folder");
    }

    /// <summary>Loads the model (slow: call it off the UI thread).</summary>
    public static LocalModel Open(string path, LocalModelSettings settings)
    {
        Validate(path);
        if (File.Exists(path))
        {
            var llama = new LlamaCppChatClient(new LlamaCppChatClientOptions
            {
                ModelPath = path,
                ContextSize = settings.ContextSize ?? 4096,
                ThreadCount = settings.Threads,
                ToolCallFormat = settings.Format,
            });
            return new LocalModel(llama, "llama.cpp", llama.ToolCallFormat);
        }

        GenAILifetime.EnsureStarted();
        var onnx = new OnnxGenAIChatClient(path, new OnnxGenAIChatClientOptions
        {
            ContextSize = settings.ContextSize,
            ToolCallFormat = settings.Format,
        });
        return new LocalModel(onnx, "ONNX Runtime GenAI", onnx.ToolCallFormat);
    }

    public void Dispose() => Client.Dispose();
}
