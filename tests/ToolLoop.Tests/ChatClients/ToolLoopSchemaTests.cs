using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Feature 41: arguments are validated against the tool's full JSON Schema, with messages the model can act on.</summary>
public sealed class ToolLoopSchemaTests
{
    private const string BookingSchema = """
        {"type":"object","properties":{
          "hotel":{"type":"string","pattern":"^[A-Z][a-z]+$"},
          "nights":{"type":"integer","minimum":1,"maximum":14},
          "guest":{"type":"object","properties":{"name":{"type":"string","minLength":1},"email":{"type":"string"}},"required":["name"]},
          "rooms":{"type":"array","items":{"type":"string","enum":["single","double"]},"maxItems":3},
          "pay":{"oneOf":[{"type":"string","const":"card"},{"type":"object","properties":{"voucher":{"type":"string"}},"required":["voucher"]}]}
        },"required":["hotel","nights"]}
        """;

    /// <summary>Arguments, and the place the model is told is wrong (<see langword="null"/>: valid, so the tool runs).</summary>
    public static TheoryData<string, string?> Cases() => new()
    {
        { """{"hotel":"Ritz","nights":50}""", "parameter 'nights'" },
        { """{"hotel":"ritz","nights":2}""", "parameter 'hotel'" },
        { """{"hotel":"Ritz","nights":2,"guest":{"email":"a@b"}}""", "parameter 'guest'" },
        { """{"hotel":"Ritz","nights":2,"guest":{"name":""}}""", "parameter 'guest.name'" },
        { """{"hotel":"Ritz","nights":2,"rooms":["single","suite"]}""", "parameter 'rooms[1]'" },
        { """{"hotel":"Ritz","nights":2,"pay":{"coupon":"x"}}""", "parameter 'pay'" },
        { """{"hotel":"Ritz","nights":2,"guest":{"name":"Ann"},"rooms":["double"],"pay":"card"}""", null },
        { """{"hotel":"Ritz","nights":"3"}""", null }, // healed to an integer first
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task F41_ArgumentsAreValidatedAgainstTheFullSchema(string arguments, string? wrongAt)
    {
        var (result, runs) = await CallOnceAsync("book", "booked", BookingSchema, arguments);
        if (wrongAt is null)
        {
            Assert.Equal("booked", result);
            return;
        }

        Assert.Equal(0, runs);
        Assert.StartsWith("Error: Invalid arguments for 'book': ", result, StringComparison.Ordinal);
        Assert.Contains(wrongAt + ":", result, StringComparison.Ordinal);
        Assert.Contains("Send a JSON object matching this schema: {", result, StringComparison.Ordinal);
    }

    /// <summary>A schema the direct checks cover alone (no full evaluation): what each argument set is told, <see langword="null"/> when it runs.</summary>
    public static TheoryData<string, string?> DirectCases() => new()
    {
        { """{"unit":"kelvin","city":"Oslo"}""", "parameter 'unit' must be one of [\"c\",\"f\"]" },
        { """{"unit":"c","city":"Oslo","extra":1}""", "unknown parameter 'extra'" },
        { """{"unit":"c","city":"Oslo","days":"many"}""", "parameter 'days' must be integer but was a string" },
        { """{"unit":"c"}""", "missing required parameter 'city'" },
        { """{"unit":"c","city":"Oslo","days":"2"}""", null }, // healed to an integer, then checked
        { """{"unit":"f","city":"Oslo"}""", null },
    };

    [Theory]
    [MemberData(nameof(DirectCases))]
    public async Task F09_DirectChecks_FindEnumUnknownAndTypeProblems_WhetherOrNotHealingChangedAnything(string arguments, string? told)
    {
        const string Schema = """
            {"type":"object","properties":{"unit":{"type":"string","enum":["c","f"]},"city":{"type":"string"},"days":{"type":"integer"}},
             "required":["city"],"additionalProperties":false}
            """;
        var (result, runs) = await CallOnceAsync("weather", "sunny", Schema, arguments);
        if (told is null)
        {
            Assert.Equal("sunny", result);
            return;
        }

        Assert.Equal(0, runs);
        Assert.StartsWith("Error: Invalid arguments for 'weather': ", result, StringComparison.Ordinal);
        Assert.Contains(told, result, StringComparison.Ordinal);
    }

    /// <summary>One call of <paramref name="tool"/> with <paramref name="arguments"/> (JSON), then an answer: the call's result and how often the tool ran.</summary>
    private static async Task<(string Result, int Runs)> CallOnceAsync(string tool, string returns, string schema, string arguments)
    {
        var run = await LoopHarness.RunBothAsync(false, () =>
        {
            var function = TestFunction.Returning(tool, returns, schema);
            var call = new FunctionCallContent("c1", tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(arguments, AIJsonUtilities.DefaultOptions));
            return new LoopScenario(new ScriptedChatClient(ScriptedTurn.Calls(call), ScriptedTurn.Text("ok")), chatOptions: LoopScenario.WithTools(function)) { Items = { ["tool"] = function } };
        });

        return (run.ResultText("c1"), run.Scenario.Item<TestFunction>("tool").Count);
    }

    [Fact]
    public void F41_TheMessagesSayWhatWasWrong()
    {
        var book = TestFunction.Returning("book", "booked", BookingSchema);
        var problems = ToolSchemaValidator.Validate(new Dictionary<string, object?> { ["hotel"] = "Ritz", ["nights"] = 50 }, book);
        var problem = Assert.Single(problems!);
        Assert.StartsWith("parameter 'nights': ", problem, StringComparison.Ordinal);
        Assert.Contains("14", problem, StringComparison.Ordinal);
    }

    public sealed record Guest(string Name, int Age);

    public enum Room
    {
        Twin,
        Suite,
    }

    [Fact]
    public void F41_SchemasFromAIFunctionFactory_AreChecked()
    {
        var book = AIFunctionFactory.Create(
            ([Description("Nights")] int nights, Room room, Guest guest) => "booked",
            "book");

        Assert.Null(ToolSchemaValidator.Validate(Args("""{"nights":2,"room":"Twin","guest":{"name":"Ann","age":30}}"""), book));
        Assert.Contains(ToolSchemaValidator.Validate(Args("""{"nights":2.5,"room":"Twin","guest":{"name":"Ann","age":30}}"""), book)!, p => p.Contains("'nights'", StringComparison.Ordinal));
        Assert.Contains(ToolSchemaValidator.Validate(Args("""{"nights":2,"room":"Penthouse","guest":{"name":"Ann","age":30}}"""), book)!, p => p.Contains("'room'", StringComparison.Ordinal));
        Assert.Contains(ToolSchemaValidator.Validate(Args("""{"nights":2,"room":"Twin","guest":{"name":"Ann","age":"old"}}"""), book)!, p => p.Contains("'guest.age'", StringComparison.Ordinal));
        Assert.Contains(ToolSchemaValidator.Validate(Args("""{"nights":2,"room":"Twin"}"""), book)!, p => p.Contains("'guest'", StringComparison.Ordinal));

        static Dictionary<string, object?> Args(string json) => JsonSerializer.Deserialize<Dictionary<string, object?>>(json, AIJsonUtilities.DefaultOptions)!;
    }

    [Fact]
    public void F41_ASchemaTheEvaluatorCannotRead_FallsBackToTheDirectChecks()
    {
        var odd = TestFunction.Returning("odd", "ok", """{"type":"object","properties":{"a":{"type":"string","pattern":"("}},"required":["a"]}""");
        Assert.Null(ToolSchemaValidator.Validate(new Dictionary<string, object?> { ["a"] = "x" }, odd));
        Assert.Contains(ToolSchemaValidator.Validate(new Dictionary<string, object?>(), odd)!, p => p.Contains("missing required parameter 'a'", StringComparison.Ordinal));
    }
}
