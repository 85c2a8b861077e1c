namespace ToolLoop.Onnx;

/// <summary>What an <see cref="OnnxGenAIException"/> is about, so callers can react without parsing messages.</summary>
public enum OnnxGenAIErrorKind
{
    /// <summary>ONNX Runtime GenAI failed while generating (its message is in <see cref="Exception.Message"/>).</summary>
    Runtime = 0,

    /// <summary>The model folder is missing, incomplete, or has a broken JSON file.</summary>
    ModelFolder = 1,

    /// <summary>The native library <c>onnxruntime-genai</c> (or its ONNX Runtime) could not be loaded: a native package is missing.</summary>
    NativeLibrary = 2,

    /// <summary>ONNX Runtime GenAI rejected the model (a broken <c>genai_config.json</c>, a corrupt or mismatched <c>.onnx</c> file, a tokenizer it cannot read).</summary>
    ModelLoad = 3,

    /// <summary>The chat template failed to parse or render.</summary>
    ChatTemplate = 4,

    /// <summary>The prompt does not fit the context length.</summary>
    ContextFull = 5,
}
