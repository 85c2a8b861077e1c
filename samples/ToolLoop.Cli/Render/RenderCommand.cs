using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Render;

/// <summary>
/// <c>toolloop render</c>: a conversation through a model's chat template (<see cref="ChatTemplateRenderer"/>), printed as
/// the prompt text, as segments marked data or framing, or as JSON.
/// </summary>
public static class RenderCommand
{
    private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<int> RunAsync(string[] args, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        string? templateFile = null, ggufFile = null, templateName = null, conversationFile = null, toolsFile = null, bos = null, eos = null;
        ToolCallFormat? family = null;
        bool? thinking = null;
        var generationPrompt = true;
        var output = Output.Text;
        var reader = new ArgumentReader(args);
        while (reader.MoveNext())
        {
            switch (reader.Current)
            {
                case "--template": templateFile = reader.Value(); break;
                case "--gguf": ggufFile = reader.Value(); break;
                case "--template-name": templateName = reader.Value(); break;
                case "--conversation": conversationFile = reader.Value(); break;
                case "--tools": toolsFile = reader.Value(); break;
                case "--format": family = reader.FormatValue(); break;
                case "--bos": bos = reader.Value(); break;
                case "--eos": eos = reader.Value(); break;
                case "--thinking":
                    thinking = reader.Value() switch
                    {
                        "on" => true,
                        "off" => false,
                        var v => throw new UsageException($"option '--thinking' takes 'on' or 'off' (got '{v}')"),
                    };
                    break;
                case "--no-generation-prompt": generationPrompt = false; break;
                case "--show-segments": output = Output.Segments; break;
                case "--json": output = Output.Json; break;
                case "-h" or "--help":
                    await CliApp.WriteHelpAsync(console.OutputStream).ConfigureAwait(false);
                    return 0;
                default:
                    throw reader.Unknown();
            }
        }

        if ((templateFile is null) == (ggufFile is null))
        {
            throw new UsageException("render needs exactly one of --template FILE and --gguf FILE");
        }

        if (templateName is not null && ggufFile is null)
        {
            throw new UsageException("--template-name reads a named template from a GGUF file; use it with --gguf");
        }

        if (conversationFile is null)
        {
            throw new UsageException("render needs --conversation FILE.json");
        }

        // Read everything before rendering, so a bad file is reported before any output.
        string template;
        string source;
        if (ggufFile is not null)
        {
            var gguf = GgufMetadata.Read(ggufFile);
            template = (templateName is null ? gguf.ChatTemplate : gguf.GetChatTemplate(templateName))
                ?? throw new InputException(templateName is null
                    ? $"{ggufFile}: the file has no chat template (tokenizer.chat_template)"
                    : $"{ggufFile}: no template named '{templateName}' (the file has: {string.Join(", ", gguf.TemplateNames.DefaultIfEmpty("none"))})");
            bos ??= gguf.BosToken;
            eos ??= gguf.EosToken;
            source = templateName is null ? $"{ggufFile} (tokenizer.chat_template)" : $"{ggufFile} (tokenizer.chat_template.{templateName})";
        }
        else
        {
            template = await File.ReadAllTextAsync(templateFile!).ConfigureAwait(false);
            source = templateFile!;
        }

        var conversation = await ReadConversationAsync(conversationFile).ConfigureAwait(false);
        var tools = conversation.Tools;
        if (toolsFile is not null)
        {
            using var doc = await JsonInput.ReadFileAsync(toolsFile, "--tools").ConfigureAwait(false);
            try
            {
                tools = ToolDeclaration.ReadAll(doc.RootElement);
            }
            catch (FormatException ex)
            {
                throw new InputException($"--tools {toolsFile}: {ex.Message}", ex);
            }
        }

        var options = new ChatTemplateOptions { AddGenerationPrompt = generationPrompt, BosToken = bos, EosToken = eos, EnableThinking = thinking };
        var resolvedFamily = family ?? ToolCallFormats.FromChatTemplate(template);
        var renderer = new ChatTemplateRenderer(ChatTemplate.Parse(template), resolvedFamily, options);
        var chatOptions = tools.Count == 0 ? null : new ChatOptions { Tools = ConversationFile.ToAITools(tools) };
        var prompt = renderer.Render(conversation.Messages, chatOptions);

        var text = output switch
        {
            Output.Json => JsonSerializer.Serialize(
                new
                {
                    text = prompt.Text,
                    segments = prompt.Segments.Select(s => new { text = s.Text, data = s.IsData }),
                    generation_prompt = prompt.GenerationPrompt,
                    tool_source = ToolSourceName(prompt.ToolSource),
                    family = ToolCallFormats.GetName(resolvedFamily),
                },
                s_json) + "\n",
            Output.Segments => DescribeSegments(prompt, source, resolvedFamily),
            _ => prompt.Text,
        };
        await console.Out.WriteAsync(text).ConfigureAwait(false);
        await console.FlushAsync().ConfigureAwait(false);
        return 0;
    }

    private static async Task<ConversationFile> ReadConversationAsync(string path)
    {
        using var doc = await JsonInput.ReadFileAsync(path, "--conversation").ConfigureAwait(false);
        try
        {
            return ConversationFile.Read(doc.RootElement);
        }
        catch (FormatException ex)
        {
            throw new InputException($"--conversation {path}: {ex.Message}", ex);
        }
    }

    /// <summary>One line per segment, its text JSON-escaped so that newlines and special tokens are visible.</summary>
    private static string DescribeSegments(ChatPrompt prompt, string source, ToolCallFormat family)
    {
        var sb = new StringBuilder();
        sb.Append("# template: ").Append(source).Append('\n');
        sb.Append("# family: ").Append(ToolCallFormats.GetName(family)).Append("; tools: ").Append(ToolSourceName(prompt.ToolSource)).Append('\n');
        sb.Append("# generation prompt: ").Append(JsonSerializer.Serialize(prompt.GenerationPrompt, s_json)).Append('\n');
        sb.Append("# framing is template text (special tokens allowed); data is message content (always tokenized as text)\n");
        foreach (var segment in prompt.Segments)
        {
            sb.Append(segment.IsData ? "data     " : "framing  ").Append(JsonSerializer.Serialize(segment.Text, s_json)).Append('\n');
        }

        return sb.ToString();
    }

    private static string ToolSourceName(ToolPromptSource source) => source switch
    {
        ToolPromptSource.Template => "template",
        ToolPromptSource.FamilyFallback => "family-fallback",
        _ => "none",
    };

    private enum Output
    {
        Text,
        Segments,
        Json,
    }
}
