using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// Renders ChatML with Qwen2.5/Hermes tool conventions, the way Qwen2.5's own template does: tools as
/// JSON lines between <c>&lt;tools&gt;</c> tags in the system turn, calls as <c>&lt;tool_call&gt;</c> blocks,
/// consecutive tool results grouped in one user turn as <c>&lt;tool_response&gt;</c> blocks. Used when no
/// Jinja template can be rendered.
/// </summary>
internal sealed class ChatMlToolPromptRenderer : IPromptRenderer
{
    private const string DefaultSystem = "You are a helpful assistant.";

    private static readonly JsonSerializerOptions s_json = CreateJsonOptions();

    public RenderedPrompt Render(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        List<AIFunctionDeclaration> tools = [.. options?.Tools?.OfType<AIFunctionDeclaration>() ?? []];
        var segments = new List<PromptSegment>();
        void Frame(string text) => Add(segments, text, isData: false);
        void Data(string text) => Add(segments, text, isData: true);

        int start = 0;
        string? system = null;
        if (messages.Count > 0 && messages[0].Role == ChatRole.System)
        {
            system = messages[0].Text;
            start = 1;
        }

        if (tools.Count > 0)
        {
            Frame("<|im_start|>system\n");
            Data(system ?? DefaultSystem);
            Frame("\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>");
            foreach (AIFunctionDeclaration tool in tools)
            {
                Frame("\n");
                Data(ToolJson(tool));
            }

            Frame("\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n");
        }
        else if (system is not null)
        {
            Frame("<|im_start|>system\n");
            Data(system);
            Frame("<|im_end|>\n");
        }

        for (int i = start; i < messages.Count; i++)
        {
            ChatMessage message = messages[i];
            List<FunctionResultContent> results = [.. message.Contents.OfType<FunctionResultContent>()];
            if (results.Count > 0 || message.Role == ChatRole.Tool)
            {
                bool previousIsTool = i > start && IsToolMessage(messages[i - 1]);
                bool nextIsTool = i + 1 < messages.Count && IsToolMessage(messages[i + 1]);
                if (!previousIsTool)
                {
                    Frame("<|im_start|>user");
                }

                foreach (FunctionResultContent result in results)
                {
                    Frame("\n<tool_response>\n");
                    Data(ResultText(result));
                    Frame("\n</tool_response>");
                }

                if (results.Count == 0)
                {
                    Frame("\n<tool_response>\n");
                    Data(message.Text);
                    Frame("\n</tool_response>");
                }

                if (!nextIsTool)
                {
                    Frame("<|im_end|>\n");
                }

                continue;
            }

            List<FunctionCallContent> calls = [.. message.Contents.OfType<FunctionCallContent>()];
            Frame("<|im_start|>" + message.Role.Value);
            string text = message.Text;
            if (calls.Count == 0 || text.Length > 0)
            {
                Frame("\n");
                Data(text);
            }

            foreach (FunctionCallContent call in calls)
            {
                Frame("\n<tool_call>\n{\"name\": \"");
                Data(call.Name);
                Frame("\", \"arguments\": ");
                Data(JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), s_json.GetTypeInfo(typeof(IDictionary<string, object?>))));
                Frame("}\n</tool_call>");
            }

            Frame("<|im_end|>\n");
        }

        Frame("<|im_start|>assistant\n");
        return new RenderedPrompt(segments, string.Empty);
    }

    internal static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is { } ex ? "Error: " + ex.Message : string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
        JsonElement e => e.GetRawText(),
        var other => JsonSerializer.Serialize(other, s_json.GetTypeInfo(other.GetType())),
    };

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions)
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            WriteIndented = false,
        };
        options.MakeReadOnly();
        return options;
    }

    private static bool IsToolMessage(ChatMessage message)
        => message.Role == ChatRole.Tool || message.Contents.Any(c => c is FunctionResultContent);

    private static string ToolJson(AIFunctionDeclaration tool)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", tool.Name);
            writer.WriteString("description", tool.Description);
            writer.WritePropertyName("parameters");
            tool.JsonSchema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Add(List<PromptSegment> segments, string text, bool isData)
    {
        if (text.Length > 0)
        {
            segments.Add(new PromptSegment(text, isData));
        }
    }
}
