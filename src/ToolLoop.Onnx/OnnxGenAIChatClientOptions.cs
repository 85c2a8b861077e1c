using Microsoft.Extensions.Logging;

namespace ToolLoop.Onnx;

/// <summary>Settings of an <see cref="OnnxGenAIChatClient"/>. Read once, when the client is created.</summary>
public sealed class OnnxGenAIChatClientOptions
{
    /// <summary>
    /// Receives ONNX Runtime GenAI's log. GenAI has one process-wide log callback: setting a logger installs
    /// ToolLoop's callback (replacing any other) and turns GenAI's logging on. Lines logged during a request go to
    /// that client's logger (none for a client without one); lines of GenAI calls made outside any ToolLoop client go
    /// to the most recently configured logger. Default: none (GenAI's logging is
    /// left as it is).
    /// </summary>
    public ILogger? Logger { get; set; }

    /// <summary>
    /// The context size in tokens (prompt plus answer), which is the generator's <c>max_length</c>. Default
    /// <see langword="null"/>: the smaller of <c>genai_config.json</c>'s <c>model.context_length</c> and <c>search.max_length</c>.
    /// At most <c>model.context_length</c> (GenAI refuses more).
    /// </summary>
    public int? ContextSize { get; set; }

    /// <summary>The tool-call markup to parse. Default <see langword="null"/>: detected from the chat template.</summary>
    public ToolCallFormat? ToolCallFormat { get; set; }

    /// <summary>
    /// A Jinja chat template to use instead of the model's (<c>chat_template.jinja</c>, else
    /// <c>tokenizer_config.json</c>'s <c>chat_template</c>). Default <see langword="null"/>.
    /// </summary>
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// Keyword arguments and limits for the chat template (for example <see cref="ChatTemplateOptions.EnableThinking"/>).
    /// Default <see langword="null"/>: defaults, with <c>bos_token</c> and <c>eos_token</c> taken from
    /// <c>tokenizer_config.json</c>. When set, it is used as is.
    /// </summary>
    public ChatTemplateOptions? TemplateOptions { get; set; }

    /// <summary>The token limit when <c>ChatOptions.MaxOutputTokens</c> is not set. Default <see langword="null"/>: until an end-of-sequence token or a full context.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>The model id reported in responses and metadata. Default: the model folder's name.</summary>
    public string? ModelId { get; set; }
}
