using Microsoft.Extensions.Logging;

namespace ToolLoop.LlamaCpp;

/// <summary>Settings of a <see cref="LlamaCppChatClient"/>. Read once, when the client is created.</summary>
public sealed class LlamaCppChatClientOptions
{
    /// <summary>
    /// The GGUF file to load when the client is created with <see cref="LlamaCppChatClient(LlamaCppChatClientOptions)"/>
    /// (the client then owns the model). Ignored when a <see cref="LlamaModel"/> is passed in.
    /// </summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// A folder holding llama.cpp's native libraries (<c>libllama</c> and its <c>ggml</c> libraries, built at LLamaSharp's
    /// llama.cpp revision). Default <see langword="null"/>: the natives of the LLamaSharp backend package the application
    /// references, chosen by LLamaSharp. Applies only before llama.cpp is loaded in the process.
    /// </summary>
    public string? NativeLibraryDirectory { get; set; }

    /// <summary>Receives llama.cpp's log (model loading, context creation, decoding errors). Default: none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The context size in tokens (prompt plus answer). Default 4096; 0 uses the model's trained length.</summary>
    public int ContextSize { get; set; } = 4096;

    /// <summary>
    /// The most prompt tokens decoded in one <c>llama_decode</c> call. Default 512. LLamaSharp lets one decode run at a
    /// time per process, so a large batch also delays other clients' requests (and their cancellation) for longer.
    /// </summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>
    /// Threads used for generation. Default <see langword="null"/>: <see cref="DefaultThreadCount"/>, half the logical
    /// processors (about the physical cores), at least 1. llama.cpp's CPU natives use OpenMP, whose threads spin while
    /// they wait: more threads than free cores makes decoding much slower (on 2 busy cores, 2 threads made prefill about
    /// 8× slower than 1). Lower it when other work shares the machine, and consider <c>OMP_WAIT_POLICY=PASSIVE</c> in the
    /// process environment.
    /// </summary>
    public int? ThreadCount { get; set; }

    /// <summary>The default of <see cref="ThreadCount"/> on this machine: half of <see cref="Environment.ProcessorCount"/>, at least 1.</summary>
    public static int DefaultThreadCount => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Threads used for prompt processing. Default <see langword="null"/>: same as <see cref="ThreadCount"/>.</summary>
    public int? BatchThreadCount { get; set; }

    /// <summary>
    /// The tool-call markup to parse. Default <see langword="null"/>: detected from the chat template.
    /// </summary>
    public ToolCallFormat? ToolCallFormat { get; set; }

    /// <summary>A Jinja chat template to use instead of the GGUF's <c>tokenizer.chat_template</c>. Default <see langword="null"/>.</summary>
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// Keyword arguments and limits for the chat template (for example <see cref="ChatTemplateOptions.EnableThinking"/>).
    /// Default <see langword="null"/>: defaults, with <c>bos_token</c> and <c>eos_token</c> taken from the model. When
    /// set, it is used as is (set <see cref="ChatTemplateOptions.BosToken"/> yourself if the template prints it).
    /// </summary>
    public ChatTemplateOptions? TemplateOptions { get; set; }

    /// <summary>The token limit when <c>ChatOptions.MaxOutputTokens</c> is not set. Default <see langword="null"/>: until an end-of-generation token or a full context.</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Whether llama.cpp's grammar sampling makes the output well-formed. Default <see langword="true"/>:
    /// <list type="bullet">
    /// <item>declared tools constrain calls lazily: the model writes freely until its family's call marker
    /// (<c>&lt;tool_call&gt;</c>, <c>[TOOL_CALLS]</c>, <c>&lt;|python_tag|&gt;</c> or a Llama 3 JSON call at the start, …),
    /// then only a call that parses, names a declared tool and whose arguments match that tool's JSON Schema. Families
    /// with a call grammar: Hermes/Qwen, Qwen3-Coder, Llama 3, Mistral, GLM, Kimi K2; DeepSeek, Gemma 4 and unknown
    /// templates are parsed unconstrained;</item>
    /// <item><see cref="Microsoft.Extensions.AI.ChatToolMode.RequireAny"/> and
    /// <see cref="Microsoft.Extensions.AI.ChatToolMode.RequireSpecific(string)"/> force a call from the first token (after
    /// reasoning the prompt left open);</item>
    /// <item>a JSON <see cref="Microsoft.Extensions.AI.ChatOptions.ResponseFormat"/> constrains the answer to its schema
    /// (any JSON object without one); with tools declared too, the output is a call or that answer.</item>
    /// </list>
    /// The schema subset is llama.cpp's (types, properties, <c>required</c>, <c>additionalProperties</c>, <c>enum</c>,
    /// <c>const</c>, <c>anyOf</c>/<c>oneOf</c>/<c>allOf</c>, <c>$ref</c>, arrays with item counts, string lengths,
    /// patterns, the date, time, date-time and uuid formats, integer bounds); other keywords are not enforced. Properties
    /// come in schema order, and objects with declared properties take no others unless <c>additionalProperties</c> says
    /// so. A tool schema outside the subset takes any arguments object, with a warning in <see cref="Logger"/>.
    /// <see langword="false"/>: the output is sampled unconstrained, and neither the tool mode nor the response format
    /// is enforced.
    /// </summary>
    public bool UseGrammar { get; set; } = true;

    /// <summary>The model id reported in responses and metadata. Default: the GGUF's <c>general.name</c>, else the file name.</summary>
    public string? ModelId { get; set; }
}
