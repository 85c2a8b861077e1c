using System.Text.Json.Nodes;

namespace ToolLoop;

/// <summary>
/// Settings for rendering a chat template: the keyword arguments Hugging Face passes to a template
/// (<c>bos_token</c>, <c>eos_token</c>, <c>add_generation_prompt</c>, <c>enable_thinking</c> and any
/// other), the clock behind <c>strftime_now</c>, and the caps that stop runaway templates.
/// </summary>
/// <remarks>Set the properties before rendering and do not change them while renders run; an instance
/// that is no longer modified can be shared by concurrent renders.</remarks>
public sealed class ChatTemplateOptions
{
    /// <summary>The <c>bos_token</c> variable; default null (left undefined). Most runtimes add the BOS token
    /// when tokenizing, so pass it only if the template must print it.</summary>
    public string? BosToken { get; set; }

    /// <summary>The <c>eos_token</c> variable; default null (left undefined).</summary>
    public string? EosToken { get; set; }

    /// <summary>The <c>add_generation_prompt</c> variable: end the prompt with the assistant header the
    /// model continues from. Default true.</summary>
    public bool AddGenerationPrompt { get; set; } = true;

    /// <summary>The <c>enable_thinking</c> variable (Qwen3, GLM, DeepSeek V3.1 and others); default null, meaning
    /// the variable is not passed and the template's own default applies.</summary>
    public bool? EnableThinking { get; set; }

    /// <summary>Further keyword arguments for the template (e.g. <c>reasoning_effort</c>,
    /// <c>tools_in_user_message</c>, <c>date_string</c>), as JSON values; they override the variables
    /// above with the same name. Default empty.</summary>
    public IDictionary<string, JsonNode?> AdditionalArguments { get; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>The clock behind <c>strftime_now</c> (local time of <see cref="TimeProvider.GetLocalNow"/>);
    /// default null, meaning <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Cap on loop iterations per render, across all loops; default 1,000,000 (some real templates
    /// scan all earlier messages for every message, so iterations grow with the square of the conversation).</summary>
    public int MaxLoopIterations { get; set; } = 1_000_000;

    /// <summary>Cap on characters written per render, including text captured by macros and set blocks;
    /// default 10,000,000.</summary>
    public int MaxOutputLength { get; set; } = 10_000_000;

    /// <summary>Cap on nested macro calls; default 100.</summary>
    public int MaxRecursionDepth { get; set; } = 100;

    internal static ChatTemplateOptions Default { get; } = new();
}
