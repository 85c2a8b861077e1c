using System.IO.Pipelines;
using System.Text;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Parsing;

/// <summary>
/// The shared conformance suite: every family (and every family's markup under <see cref="ToolCallFormat.Auto"/>) runs
/// the same checks. Every parse here is also fed whole as bytes, split at every byte, in random chunks and char by char
/// (all must give the same result), and checked for "nothing lost".
/// </summary>
public sealed class ConformanceTests
{
    private const string WeatherArgs = """{"city": "Paris", "days": 3}""";
    private const string TimeArgs = """{"zone": "UTC"}""";

    public static TheoryData<string> Keys() => FamilySamples.Keys();

    public static TheoryData<string> ReasoningKeys() => FamilySamples.ReasoningKeys();

    public static TheoryData<ToolCallFormat> Formats() => [.. Enum.GetValues<ToolCallFormat>()];

    [Theory]
    [MemberData(nameof(Keys))]
    public void Plain_prose_passes_through_unchanged(string key)
    {
        var s = FamilySamples.Get(key);
        const string prose = "The weather is {mild} today; see [docs] and <b>bold</b>, a | pipe, \"quotes\" — and naïve 日本語 😀.\nSecond line.";
        var r = Parse(s, prose, Options());
        Assert.Equal(prose, r.Content);
        Assert.Equal("", r.Reasoning);
        Assert.Empty(r.Calls);
        Assert.Empty(r.Problems);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void One_call(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, s.Call("get_weather", WeatherArgs), Options());
        Assert.Equal("", r.Content);
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "get_weather", WeatherArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Two_calls(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, s.Call("get_weather", WeatherArgs, 0) + "\n" + s.Call("get_time", TimeArgs, 1), Options());
        Assert.Equal("", r.Content);
        Assert.Empty(r.Problems);
        Assert.Equal(2, r.Calls.Count);
        AssertCall(s, r.Calls[0], 0, "get_weather", WeatherArgs, healed: false);
        AssertCall(s, r.Calls[1], 1, "get_time", TimeArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Prose_then_call_then_prose(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, "I'll check the weather.\n\n" + s.Call("get_weather", WeatherArgs) + "\nDone.", Options());
        Assert.Equal("I'll check the weather.Done.", r.Content);
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "get_weather", WeatherArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(ReasoningKeys))]
    public void Reasoning_then_call(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, s.ReasoningOpen + "The user wants Paris.\nCall the tool." + s.ReasoningClose + s.Call("get_weather", WeatherArgs), Options());
        Assert.Equal("The user wants Paris.\nCall the tool.", r.Reasoning);
        Assert.Equal("", r.Content);
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "get_weather", WeatherArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(ReasoningKeys))]
    public void Prefilled_reasoning_then_answer_and_call(string key)
    {
        var s = FamilySamples.Get(key);
        var options = Options();
        options.StartInReasoning = true;
        var r = Parse(s, "Let me think...\n" + s.ReasoningClose + "Checking." + s.Call("get_weather", WeatherArgs), options);
        Assert.Equal("Let me think...", r.Reasoning);
        Assert.Equal("Checking.", r.Content);
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "get_weather", WeatherArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(ReasoningKeys))]
    public void Whitespace_only_reasoning_is_dropped(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, s.ReasoningOpen + "\n\n" + s.ReasoningClose + "The answer is 42.", Options());
        Assert.Equal("", r.Reasoning);
        Assert.Equal("The answer is 42.", r.Content);
    }

    [Theory]
    [MemberData(nameof(ReasoningKeys))]
    public void Call_markup_inside_closed_reasoning(string key)
    {
        var s = FamilySamples.Get(key);
        var call = s.Call("get_weather", WeatherArgs);
        var r = Parse(s, s.ReasoningOpen + "Maybe " + call + " later." + s.ReasoningClose + "Done.", Options());

        // README: markers inside closed reasoning stay reasoning, except that the Qwen3-Coder and Kimi openers end an
        // unclosed block (the parser cannot know the block would be closed later).
        if (s.CallEndsReasoning)
        {
            Assert.Equal("Maybe", r.Reasoning);
            AssertCall(s, r.Calls.Single(), 0, "get_weather", WeatherArgs, healed: false);
        }
        else
        {
            Assert.Equal("Maybe " + call + " later.", r.Reasoning);
            Assert.Empty(r.Calls);
            Assert.Equal("Done.", r.Content);
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Unicode_and_escapes_round_trip_in_arguments(string key)
    {
        var s = FamilySamples.Get(key);
        const string args = """{"text": "héllo \"quoted\" back\\slash 日本語 😀 \u00e9\ttab\nnew line {braces} [brackets] <angle> 'single'", "path": "C:\\dir\\file.txt"}""";
        var r = Parse(s, "Ünïcödé prose 😀 " + s.Call("note", args), Options(("note", args)));
        Assert.Equal("Ünïcödé prose 😀", r.Content);
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "note", args, healed: false);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Nested_arguments_round_trip(string key)
    {
        var s = FamilySamples.Get(key);
        const string args = """{"filter": {"tags": ["a", "b c"], "range": {"min": -1, "max": 2.5e3}, "on": true, "none": null, "deep": [[1, [2]], {"x": {}}]}, "ids": [1, 2, 3], "empty": []}""";
        var r = Parse(s, s.Call("search", args), Options(("search", args)));
        Assert.Empty(r.Problems);
        AssertCall(s, r.Calls.Single(), 0, "search", args, healed: false);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Call_cut_after_a_complete_value_heals(string key)
    {
        // Only structure (closing brackets, braces, tags) is missing: the parser supplies it and flags the call.
        var s = FamilySamples.Get(key);
        const string args = """{"city": "Paris", "days": 3}""";
        var full = s.Call("get_weather", args);
        var end = ValueEnd(full, "Paris");
        var r = Parse(s, "Let me look.\n" + full[..end], Options(("get_weather", args)));
        Assert.Equal("Let me look.", r.Content);
        Assert.Empty(r.Problems);
        var call = Assert.Single(r.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.True(call.Healed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"city": "Paris"}"""), JsonNode.Parse(call.ArgumentsJson)), call.ArgumentsJson);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Call_cut_inside_a_value_is_a_truncated_problem_with_the_tool_name(string key)
    {
        // The value may be incomplete ("Paris is" of "Paris is lovely"): never a runnable call.
        var s = FamilySamples.Get(key);
        const string args = """{"city": "Paris is lovely", "days": 3}""";
        var full = s.Call("get_weather", args);
        var text = "Let me look.\n" + full[..full.IndexOf("lovely", StringComparison.Ordinal)];
        var r = Parse(s, text, Options(("get_weather", args)));
        Assert.Equal("Let me look.", r.Content);
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Truncated, problem.Kind);
        Assert.Equal("get_weather", problem.ToolName);
        Assert.EndsWith(problem.RawText, text, StringComparison.Ordinal);
        Assert.Contains("Paris is", problem.RawArguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Call_cut_inside_a_number_is_a_truncated_problem(string key)
    {
        // 3 may be the start of 30.
        var s = FamilySamples.Get(key);
        const string args = """{"days": 30, "city": "Paris"}""";
        var full = s.Call("get_weather", args);
        var text = full[..(full.IndexOf("30", StringComparison.Ordinal) + 1)];
        var r = Parse(s, text, Options(("get_weather", args)));
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Truncated, problem.Kind);
        Assert.Equal("get_weather", problem.ToolName);
    }

    /// <summary>Where the value that starts with <paramref name="value"/> ends in a family's markup (its closing quote or tag included).</summary>
    private static int ValueEnd(string call, string value)
    {
        foreach (var close in (string[])["\"", "\n</parameter>", "</arg_value>", "<|\"|>", "</｜DSML｜parameter>", "</parameter>", "<|close|>argument<|sep|>", "</arg_value:opensource>"])
        {
            var at = call.IndexOf(value + close, StringComparison.Ordinal);
            if (at >= 0)
            {
                return at + value.Length + close.Length;
            }
        }

        throw new InvalidOperationException("no value end in " + call);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Output_ending_inside_the_tool_name_is_a_truncated_problem_with_raw_text(string key)
    {
        var s = FamilySamples.Get(key);
        var full = s.Call("get_weather", WeatherArgs);
        var text = "Let me look.\n" + full[..(full.IndexOf("get_weather", StringComparison.Ordinal) + "get_wea".Length)];
        var r = Parse(s, text, Options());
        Assert.Equal("Let me look.", r.Content);
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Truncated, problem.Kind);
        Assert.EndsWith("get_wea", problem.RawText, StringComparison.Ordinal);
        Assert.EndsWith(problem.RawText, text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Oversized_call_is_reported_in_pieces_and_parsing_continues(string key)
    {
        var s = FamilySamples.Get(key);
        var bigArgs = "{\"text\": \"" + string.Concat(Enumerable.Range(0, 140).Select(i => $"w{i} ")) + "end\"}";
        var big = s.Call("note", bigArgs, 0);
        var text = "Before.\n" + big + "\nMiddle.\n" + s.Call("get_time", TimeArgs, 0) + "\nAfter.";
        var options = Options(("note", bigArgs));
        options.MaxToolCallBytes = 256;
        var r = Parse(s, text, options);

        Assert.Equal("Before.Middle.After.", r.Content);
        Assert.True(r.Problems.Count >= 3, $"expected the {big.Length}-char call in pieces of 256, got {r.Problems.Count}");
        Assert.All(r.Problems, p => Assert.Equal(ToolCallProblemKind.TooLarge, p.Kind));
        Assert.All(r.Problems, p => Assert.True(p.RawText.Length <= 256));
        Assert.Equal(big, string.Concat(r.Problems.Select(p => p.RawText)));
        AssertCall(s, r.Calls.Single(), 0, "get_time", TimeArgs, healed: false);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Json_nested_deeper_than_the_cap_is_too_deep(string key)
    {
        var s = FamilySamples.Get(key);
        var deep = "{\"tree\": " + string.Concat(Enumerable.Repeat("{\"a\": ", 12)) + "1" + new string('}', 12) + "}";
        var call = s.Call("build", deep);
        var options = Options(("build", deep));
        options.MaxJsonDepth = 8;
        var r = Parse(s, "Before.\n" + call + "\nAfter.", options);
        Assert.Equal("Before.After.", r.Content);
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.TooDeep, problem.Kind);

        // The raw text is the call's own markup (a Kimi or DeepSeek section wrapper around it is not part of the call).
        Assert.Contains(problem.RawText, call, StringComparison.Ordinal);
        Assert.Contains("tree", problem.RawText, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Invalid_utf8_becomes_replacement_characters(string key)
    {
        var s = FamilySamples.Get(key);
        const string args = """{"s": "a§b"}""";
        var good = Encoding.UTF8.GetBytes("Hi § there\n" + s.Call("echo", args) + "\nbye ");
        var bytes = new List<byte>();
        for (var i = 0; i < good.Length; i++)
        {
            // § is C2 A7: replace both bytes with one invalid byte.
            if (good[i] == 0xC2 && good[i + 1] == 0xA7)
            {
                bytes.Add(0xFF);
                i++;
            }
            else
            {
                bytes.Add(good[i]);
            }
        }

        bytes.Add(0xE6); // a lead byte cut by the end of the output
        var input = bytes.ToArray();
        var options = Options(("echo", args));
        var whole = ToolCallParser.Parse(input, s.Format, options);
        Assert.Equal("Hi \uFFFD therebye \uFFFD", whole.Content);
        Assert.Empty(whole.Problems);
        AssertCall(s, whole.Calls.Single(), 0, "echo", """{"s": "a\uFFFDb"}""", healed: false);
        AssertChunkingInvariant(input, s.Format, options, whole);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Multibyte_characters_split_across_chunks(string key)
    {
        var s = FamilySamples.Get(key);
        const string args = """{"s": "日本😀é"}""";
        var text = "Grüße 😀 " + s.Call("echo", args) + " ¡fin! 日本";
        var input = Encoding.UTF8.GetBytes(text);
        var options = Options(("echo", args));

        // Every 2- and 3-byte prefix split, explicitly, on top of Parse's own every-byte split.
        for (var cut = 1; cut < input.Length - 2; cut++)
        {
            var r = Chunking.Parse(input, [cut, 2, input.Length - cut - 2], s.Format, options);
            Assert.Equal("Grüße 😀¡fin! 日本", r.Content);
            AssertCall(s, r.Calls.Single(), 0, "echo", args, healed: false);
        }

        Parse(s, text, options);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task PipeReader_entry_gives_the_same_result_as_the_string_entry(string key)
    {
        var s = FamilySamples.Get(key);
        var text = (s.HasReasoning ? s.ReasoningOpen + "Thinking 😀." + s.ReasoningClose : "")
            + "Prose ü.\n" + s.Call("get_weather", WeatherArgs, 0) + "\n" + s.Call("get_time", TimeArgs, 1) + "\nEnd.";
        var bytes = Encoding.UTF8.GetBytes(text);
        var expected = ToolCallParser.Parse(text, s.Format, Options());
        foreach (var size in (int[])[1, 3, 7, 64])
        {
            var pipe = new Pipe();
            var ct = TestContext.Current.CancellationToken;
            async Task WriteAll()
            {
                for (var i = 0; i < bytes.Length; i += size)
                {
                    await pipe.Writer.WriteAsync(bytes.AsMemory(i, Math.Min(size, bytes.Length - i)), ct);
                }

                await pipe.Writer.CompleteAsync();
            }

            var writer = Task.Run(WriteAll, ct);
            var actual = await ToolCallParser.ParseAsync(pipe.Reader, s.Format, Options(), ct);
            await writer;
            Chunking.AssertSame(expected, actual, $"PipeReader in writes of {size} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Leaked_control_tokens_are_stripped(string key)
    {
        var s = FamilySamples.Get(key);
        var r = Parse(s, "Hello<|im_end|>", Options());
        Assert.Equal("Hello", r.Content);
        r = Parse(s, s.Call("get_weather", WeatherArgs) + "<|im_end|>", Options());
        Assert.Equal("", r.Content);
        Assert.Single(r.Calls);
    }

    public static TheoryData<ToolCallFormat, string> DispatchCases()
    {
        var data = new TheoryData<ToolCallFormat, string>();
        foreach (var format in (ToolCallFormat[])[ToolCallFormat.Hermes, ToolCallFormat.Qwen3Coder, ToolCallFormat.Glm, ToolCallFormat.Auto])
        {
            foreach (var body in (string[])["hermes", "qwen3-coder", "glm"])
            {
                data.Add(format, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DispatchCases))]
    public void Tool_call_tag_dispatches_on_its_body_under_every_tool_call_format(ToolCallFormat format, string body)
    {
        // formats.md rule 0.9: one <tool_call> opener, the body decides the grammar.
        var s = FamilySamples.Get(body);
        var r = ToolCallParser.Parse("Sure.\n" + s.Call("get_weather", WeatherArgs), format, Options());
        Assert.Equal("Sure.", r.Content);
        Assert.Empty(r.Problems);
        var call = Assert.Single(r.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(WeatherArgs), JsonNode.Parse(call.ArgumentsJson)), call.ArgumentsJson);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Appending_after_complete_throws(ToolCallFormat format)
    {
        using var parser = new StreamingToolCallParser(format);
        var events = new List<ToolCallParseEvent>();
        parser.Append("Hello".AsSpan(), events);
        parser.Complete(events);
        Assert.Throws<InvalidOperationException>(() => parser.Append(" more".AsSpan(), events));
        Assert.Throws<InvalidOperationException>(() => parser.Append("x"u8, events));
        Assert.Throws<InvalidOperationException>(() => parser.Append(ReadOnlySpan<char>.Empty, events));
    }

    private static ToolCallParserOptions Options(params (string Name, string Args)[] extra)
        => FamilySample.OptionsFor([("get_weather", WeatherArgs), ("get_time", TimeArgs), .. extra]);

    /// <summary>Parses <paramref name="text"/> every way (whole, bytes split everywhere, random chunks, char by char), asserts they agree and that nothing was lost.</summary>
    private static ToolCallParseResult Parse(FamilySample s, string text, ToolCallParserOptions options)
    {
        var whole = ToolCallParser.Parse(text, s.Format, options);
        AssertChunkingInvariant(Encoding.UTF8.GetBytes(text), s.Format, options, whole);
        Chunking.AssertSame(whole, Chunking.ParseChars(text, 1, s.Format, options), "char by char");
        NothingLost.Check(text, whole, s.Markup);
        return whole;
    }

    private static void AssertChunkingInvariant(byte[] input, ToolCallFormat format, ToolCallParserOptions options, ToolCallParseResult whole)
    {
        Chunking.AssertSame(whole, Chunking.Parse(input, [input.Length], format, options), "bytes whole");
        for (var cut = 1; cut < input.Length; cut++)
        {
            Chunking.AssertSame(whole, Chunking.Parse(input, [cut, input.Length - cut], format, options), $"split at byte {cut}");
        }

        for (var seed = 0; seed < 8; seed++)
        {
            Chunking.AssertSame(whole, Chunking.Parse(input, Chunking.RandomSizes(input.Length, seed), format, options), $"random chunks, seed {seed}");
        }

        Chunking.AssertSame(whole, Chunking.Parse(input, [.. Enumerable.Repeat(1, input.Length)], format, options), "byte by byte");
    }

    private static void AssertCall(FamilySample s, ParsedToolCall call, int index, string name, string argumentsJson, bool healed)
    {
        Assert.Equal(name, call.Name);
        Assert.Equal(s.ExpectedId(name, index), call.Id);
        Assert.Equal(healed, call.Healed);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(argumentsJson), JsonNode.Parse(call.ArgumentsJson)), $"arguments {call.ArgumentsJson} differ from {argumentsJson}");
    }
}
