using Microsoft.ML.OnnxRuntimeGenAI;

namespace ToolLoop.Onnx.Internal;

/// <summary>Turns GenAI's failures into <see cref="OnnxGenAIException"/>s that say what to do.</summary>
internal static class GenAIErrors
{
    public const string NativePackages =
        "ToolLoop.Onnx references only the managed binding (Microsoft.ML.OnnxRuntimeGenAI.Managed); add one native package at the same version, 0.18.0: " +
        "Microsoft.ML.OnnxRuntimeGenAI (CPU), Microsoft.ML.OnnxRuntimeGenAI.Cuda (NVIDIA CUDA) or Microsoft.ML.OnnxRuntimeGenAI.DirectML (Windows), " +
        "and build for a runtime identifier it ships (linux-x64, linux-arm64, osx-arm64, win-x64, win-arm64).";

    /// <summary>The missing-library failure inside <paramref name="exception"/> (possibly wrapped by a type initializer), or null.</summary>
    public static Exception? FindNativeLoadFailure(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                return e;
            }
        }

        return null;
    }

    public static OnnxGenAIException NativeLibraryMissing(Exception failure) => new(
        $"The ONNX Runtime GenAI native library 'onnxruntime-genai' could not be loaded: {failure.Message} {NativePackages}",
        OnnxGenAIErrorKind.NativeLibrary,
        failure);

    public static OnnxGenAIException ModelLoad(string path, OnnxRuntimeGenAIException failure, IReadOnlyList<string> log) => new(
        $"ONNX Runtime GenAI could not load the model in '{path}': {failure.Message} Check that genai_config.json matches the .onnx files and the tokenizer files beside it (re-export the model if they were edited or truncated).",
        OnnxGenAIErrorKind.ModelLoad,
        failure,
        [failure.Message, .. log]);

    public static OnnxGenAIException Runtime(string operation, OnnxRuntimeGenAIException failure, IReadOnlyList<string> log) => new(
        $"ONNX Runtime GenAI failed while {operation}: {failure.Message}",
        OnnxGenAIErrorKind.Runtime,
        failure,
        [failure.Message, .. log]);

    public static OnnxGenAIException PromptTooLong(int tokens, int contextSize) => new(
        $"The prompt has {tokens} tokens but the context holds {contextSize}; shorten the conversation or raise OnnxGenAIChatClientOptions.ContextSize (up to the model's context_length).",
        OnnxGenAIErrorKind.ContextFull);
}
