using ToolLoop.TinyModels;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// The scripted tiny models the adapter benchmarks run, written by the llama.cpp tests' GGUF writer (linked, not copied)
/// into the temp folder when a benchmark starts.
/// </summary>
internal static class TinyModels
{
    /// <summary>The tests' ChatML recipe: a plain reply of four tokens; used for prompt processing.</summary>
    public static TinyModelRecipe Prompt => TinyModelRecipe.Reference;

    /// <summary>A recipe whose plain reply is 40 tokens, so generation is measured over more than a handful of tokens.</summary>
    public static TinyModelRecipe Generation { get; } = TinyModelRecipe.Reference with
    {
        Name = "tiny-scripted-long-reply",
        Plain = [.. Enumerable.Range(0, 40).Select(i => $" w{i:D2}")],
        Answer = ["Done."],
    };

    /// <summary>
    /// A recipe for a tool loop that goes on: its template declares the tools (<c>&lt;tools&gt;</c>, so the model calls
    /// <c>get_weather</c>) and renders calls as Hermes <c>&lt;tool_call&gt;</c> but tool results without
    /// <c>&lt;tool_response&gt;</c>, so the model calls again every round instead of answering.
    /// </summary>
    public static TinyModelRecipe Loop { get; } = TinyModelRecipe.Reference with
    {
        Name = "tiny-scripted-loop",
        ChatTemplate =
            "{%- if tools %}{{ '<|im_start|>system\\n' }}{% if messages[0]['role'] == 'system' %}{{ messages[0]['content'] + '\\n' }}{% endif %}" +
            "{{ '<tools>\\n' }}{% for tool in tools %}{{ tool | tojson + '\\n' }}{% endfor %}{{ '</tools><|im_end|>\\n' }}{% endif %}" +
            "{%- for message in messages %}" +
            "{%- if message['role'] == 'system' %}{% if not tools %}{{ '<|im_start|>system\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}" +
            "{%- elif message['role'] == 'assistant' and message['tool_calls'] %}{{ '<|im_start|>assistant\\n' }}" +
            "{%- for call in message['tool_calls'] %}{{ '<tool_call>\\n{\"name\": \"' + call['function']['name'] + '\", \"arguments\": ' + call['function']['arguments'] | tojson + '}\\n</tool_call>' }}{% endfor %}" +
            "{{ '<|im_end|>\\n' }}" +
            "{%- else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}{% endif %}" +
            "{%- endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}",
    };

    /// <summary>Writes the recipe's GGUF to a new temporary file.</summary>
    public static string Write(TinyModelRecipe recipe) => TinyScriptedModel.WriteTemporary(recipe);
}
