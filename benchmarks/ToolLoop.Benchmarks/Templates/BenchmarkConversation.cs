using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// The conversation every template benchmark renders: 50 messages (a system message, twelve exchanges of question, tool
/// call, tool result and answer, and a last question) with 10 tools declared. Deterministic.
/// </summary>
internal static class BenchmarkConversation
{
    /// <summary>The clock the renders use, so the output does not depend on the day.</summary>
    public static readonly DateTimeOffset FixedNow = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    private static readonly string[] s_cities = ["Paris", "Tokyo", "Lima", "Oslo", "Cairo", "Austin", "Hanoi", "Porto", "Quito", "Turku", "Perth", "Dakar"];

    /// <summary>Gets the 10 tool declarations.</summary>
    public static IReadOnlyList<AITool> Tools { get; } = [.. Enumerable.Range(0, 10).Select(Tool)];

    /// <summary>Gets the 50 messages.</summary>
    public static IReadOnlyList<ChatMessage> Messages { get; } = Build();

    /// <summary>Gets the request options: the tools.</summary>
    public static ChatOptions Options { get; } = new() { Tools = [.. Tools] };

    /// <summary>The template options every benchmark (and the Jinja2 script) uses.</summary>
    public static ChatTemplateOptions TemplateOptions() => new() { TimeProvider = new FixedTimeProvider(FixedNow), BosToken = "<s>", EosToken = "</s>" };

    private static AIFunctionDeclaration Tool(int i) => AIFunctionFactory.CreateDeclaration(
        $"tool_{i}_lookup",
        $"Looks up record kind {i} by key and returns its fields; use it when the user asks about kind {i}.",
        JsonElement.Parse($$$"""
            {"type": "object", "properties": {
              "key": {"type": "string", "description": "The record key, e.g. K-{{{i}}}00"},
              "fields": {"type": "array", "items": {"type": "string"}, "description": "Fields to return"},
              "limit": {"type": "integer", "minimum": 1, "maximum": 50},
              "unit": {"type": "string", "enum": ["metric", "imperial"]}},
             "required": ["key"]}
            """));

    private static List<ChatMessage> Build()
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are a careful assistant. Use the tools when a question needs data; answer briefly.") };
        for (int i = 0; i < 12; i++)
        {
            string city = s_cities[i];
            string id = $"call_{i:D4}";
            string tool = $"tool_{i % 10}_lookup";
            messages.Add(new(ChatRole.User, $"What do the records say about {city}? I need the population and the weather, in metric units."));
            messages.Add(new(ChatRole.Assistant, [new FunctionCallContent(id, tool, new Dictionary<string, object?> { ["key"] = $"K-{i}00", ["fields"] = new[] { "population", "weather" }, ["unit"] = "metric" })]));
            messages.Add(new(ChatRole.Tool, [new FunctionResultContent(id, $$"""{"city": "{{city}}", "population": {{(i + 1) * 123457}}, "weather": "sunny, {{15 + i}} C"}""")]));
            messages.Add(new(ChatRole.Assistant, $"{city} has {(i + 1) * 123457:N0} inhabitants and it is sunny at {15 + i} C."));
        }

        messages.Add(new(ChatRole.User, "Thanks. Which of these cities was the warmest?"));
        return messages;
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
