using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.Templates;

/// <summary>
/// The family tool blocks the renderer inserts for templates that ignore tools, against what each family's real
/// templates write for the same tools, rendered by Python's Jinja2: the block must appear verbatim in the real prompt.
/// </summary>
public sealed class FamilyPromptsTests
{
    /// <summary>Descriptions that need escaping, non-ASCII text and a Gemma-shaped schema: nested objects, arrays of
    /// objects, enums, nullable and union types, a property named like a schema keyword, code-point key order.</summary>
    private static readonly AIFunctionDeclaration s_tricky = AIFunctionFactory.CreateDeclaration(
        "plan_trip",
        "Plan a trip. He said \"go\" \\ back\nNext line — Zürich 😀",
        JsonElement.Parse("""
            {"type": "object", "properties": {
              "city": {"type": "string", "description": "Where \"exactly\"", "enum": ["Zürich", "Paris"]},
              "days": {"type": ["integer", "null"], "description": "How long", "nullable": true},
              "stops": {"type": "array", "description": "Stops", "items": {"type": "object", "properties": {"name": {"type": "string"}, "hours": {"type": "number"}}, "required": ["name"]}},
              "tags": {"type": "array", "items": {"type": ["string", "integer"]}},
              "options": {"type": "object", "properties": {"fast": {"type": "boolean", "description": "Hurry"}}, "required": ["fast"]},
              "extra": {"type": "object", "description": "Free-form", "minProperties": 1},
              "description": {"type": "string"},
              "Budget": {"type": "integer", "minimum": 0, "maximum": 12345678901234567890},
              "𝑥": {"type": "number"}, "ｑ": {"type": "string"}},
             "required": ["city", "days"]}
            """));

    private static readonly AITool[] s_plain = [TemplateConversations.GetWeather, TemplateConversations.SearchWeb];
    private static readonly AITool[] s_all = [TemplateConversations.GetWeather, s_tricky, TemplateConversations.Lookup];

    public static TheoryData<ToolCallFormat, string, bool> Cases => new()
    {
        { ToolCallFormat.Hermes, "Qwen-Qwen2.5-7B-Instruct.jinja", true },
        { ToolCallFormat.Qwen3Coder, "Qwen3.5-4B.jinja", true },
        { ToolCallFormat.Llama3, "meta-llama-Llama-3.1-8B-Instruct.jinja", true },
        { ToolCallFormat.Llama3, "meta-llama-Llama-3.3-70B-Instruct.jinja", true },
        // Mistral Nemo writes string fields raw; Small 3.2, Devstral and Ministral 3 use tojson, which only agrees
        // when no field needs escaping.
        { ToolCallFormat.Mistral, "mistralai-Mistral-Nemo-Instruct-2407.jinja", true },
        { ToolCallFormat.Mistral, "Mistral-Small-3.2-24B-Instruct-2506.jinja", false },
        { ToolCallFormat.Mistral, "unsloth-mistral-Devstral-Small-2507.jinja", false },
        // The interleaved variant orders nullable, object and array fields differently (and always writes ",items:"):
        // the block follows the main Gemma 4 template, and both agree on flat schemas.
        { ToolCallFormat.Gemma4, "google-gemma-4-31B-it.jinja", true },
        { ToolCallFormat.Gemma4, "google-gemma-4-31B-it-interleaved.jinja", false },
        { ToolCallFormat.Kimi, "Kimi-K2-Instruct.jinja", true },
        { ToolCallFormat.Kimi, "moonshotai-Kimi-K2.jinja", true },
        { ToolCallFormat.Glm, "GLM-4.6.jinja", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fallback_tool_block_is_what_the_familys_template_writes(ToolCallFormat family, string file, bool trickyTools)
    {
        string python = Environment.GetEnvironmentVariable("TOOLLOOP_PYTHON") ?? "/usr/bin/python3";
        string path = Path.Combine(TemplateConversations.TemplatesDirectory(), file);
        AITool[] tools = trickyTools ? s_all : s_plain;
        List<ChatMessage> messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Plan it.")];
        var variables = JsonNode.Parse(ChatTemplateInputs.Create(messages, new ChatOptions { Tools = tools }, TemplateConversations.Options(null)).ToJsonString())!.AsObject();
        var reference = JinjaReference.Run(python, TemplateConversations.FixedNow, [("case", path, variables)])["case"];
        Assert.True(reference.Ok, reference.Error);

        var block = FamilyPrompts.ToolBlock(family, ChatTemplateInputs.MapTools(tools)!);
        string text = string.Concat(block.Select(s => s.Text));
        if (family == ToolCallFormat.Gemma4)
        {
            // Gemma 4 writes each declaration between <|tool> and <tool|>, right after the system text.
            Assert.Contains("Be brief." + text + "<turn|>", reference.Output!, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains(text, reference.Output!, StringComparison.Ordinal);
        }

        // Instructions are framing, the declarations data.
        Assert.Contains(block, s => s.IsData && s.Text.Contains("get_weather", StringComparison.Ordinal));
        Assert.DoesNotContain(block, s => !s.IsData && s.Text.Contains("get_weather", StringComparison.Ordinal));
    }

    [Fact]
    public void Gemma_4_upper_cases_union_types_like_its_template()
    {
        var block = string.Concat(FamilyPrompts.ToolBlock(ToolCallFormat.Gemma4, ChatTemplateInputs.MapTools(s_all)!).Select(s => s.Text));
        Assert.Contains("days:{description:<|\"|>How long<|\"|>,nullable:true,type:<|\"|>['INTEGER', 'NULL']<|\"|>}", block, StringComparison.Ordinal);
        Assert.Contains("items:{type:[<|\"|>STRING<|\"|>,<|\"|>INTEGER<|\"|>]}", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Mistral_writes_descriptions_unescaped_like_Mistral_Nemo()
    {
        var block = string.Concat(FamilyPrompts.ToolBlock(ToolCallFormat.Mistral, ChatTemplateInputs.MapTools([s_tricky])!).Select(s => s.Text));
        Assert.StartsWith("[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"plan_trip\", \"description\": \"Plan a trip. He said \"go\" \\ back\nNext line — Zürich 😀\", \"parameters\": {", block, StringComparison.Ordinal);
        Assert.EndsWith("}}][/AVAILABLE_TOOLS]", block, StringComparison.Ordinal);
    }

    [Fact]
    public void Qwen3_Coder_uses_Qwen3_5s_intro_and_reminders()
    {
        var block = string.Concat(FamilyPrompts.ToolBlock(ToolCallFormat.Qwen3Coder, ChatTemplateInputs.MapTools(s_plain)!).Select(s => s.Text));
        Assert.StartsWith("# Tools\n\nYou have access to the following functions:\n\n<tools>\n", block, StringComparison.Ordinal);
        Assert.EndsWith("- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls\n</IMPORTANT>", block, StringComparison.Ordinal);
        Assert.Contains("<IMPORTANT>\nReminder:\n- Function calls MUST follow the specified format: an inner <function=...></function> block must be nested within <tool_call></tool_call> XML tags\n", block, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepSeek_follows_the_V3_1_model_card()
    {
        // shared/formats.md §6: "## Tools", per tool "### NAME", "Description: ...", "Parameters: <JSON>", then the call format.
        var block = string.Concat(FamilyPrompts.ToolBlock(ToolCallFormat.DeepSeek, ChatTemplateInputs.MapTools([TemplateConversations.GetWeather])!).Select(s => s.Text));
        Assert.StartsWith("## Tools\nYou have access to the following tools:\n\n### get_weather\nDescription: Get the current weather for a city.\n\nParameters: {\"type\": \"object\", \"properties\": {", block, StringComparison.Ordinal);
        Assert.Contains("\nIMPORTANT: ALWAYS adhere to this exact format for tool use:\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>tool_call_name<｜tool▁sep｜>tool_call_arguments<｜tool▁call▁end｜>{additional_tool_calls}<｜tool▁calls▁end｜>\n", block, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData((ToolCallFormat)1000)]
    [InlineData((ToolCallFormat)(-1))]
    public void Unknown_families_get_the_generic_Hermes_conventions(ToolCallFormat family)
    {
        var tools = ChatTemplateInputs.MapTools(s_plain)!;
        Assert.Equal(FamilyPrompts.ToolBlock(ToolCallFormat.Hermes, tools), FamilyPrompts.ToolBlock(family, tools));
        Assert.Equal(FamilyPrompts.PlacementFor(ToolCallFormat.Hermes), FamilyPrompts.PlacementFor(family));
        var prompt = new ChatTemplateRenderer((ChatTemplate?)null, family).Render(
        [
            new(ChatRole.User, "Weather?"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["location"] = "Oslo" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "cold")]),
        ], new ChatOptions { Tools = s_plain });
        Assert.Contains("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Oslo\"}}\n</tool_call>", prompt.Text, StringComparison.Ordinal);
        Assert.Contains("<tool_response>\ncold\n</tool_response>", prompt.Text, StringComparison.Ordinal);
    }
}
