namespace ToolLoop.Tests.Parsing;

/// <summary>Bugs the properties found, pinned as plain cases (each failed before its fix).</summary>
public sealed class ParserRegressionTests
{
    /// <summary>Parses <paramref name="text"/> whole and split at every char, asserting the same result.</summary>
    internal static ToolCallParseResult ParseEveryWay(string text, ToolCallFormat format, ToolCallParserOptions options)
    {
        var whole = ToolCallParser.Parse(text, format, options);
        for (var cut = 1; cut < text.Length; cut++)
        {
            using var parser = new StreamingToolCallParser(format, options);
            var events = new List<ToolCallParseEvent>();
            parser.Append(text.AsSpan(0, cut), events);
            parser.Append(text.AsSpan(cut), events);
            parser.Complete(events);
            Chunking.AssertSame(whole, ToolCallParser.Collect(events), $"split at char {cut}");
        }

        return whole;
    }

    [Fact]
    public void Bare_function_call_followed_by_tool_call_close_does_not_depend_on_chunking()
    {
        // The bare <function=…> region used to end at a chunk boundary after </function>, leaving </tool_call> as content.
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] };
        var r = ParseEveryWay("<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n</tool_call>\nDone.", ToolCallFormat.Llama3, options);
        Assert.Equal("Done.", r.Content);
        var call = Assert.Single(r.Calls);
        Assert.Equal("""{"city":"Paris"}""", call.ArgumentsJson);
        Assert.False(call.Healed);
    }

    [Fact]
    public void Bare_function_call_at_the_end_of_the_output_is_not_healed()
    {
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] };
        var r = ParseEveryWay("<function=get_weather>{\"city\": \"Paris\"}</function>\n", ToolCallFormat.Llama3, options);
        Assert.False(Assert.Single(r.Calls).Healed);
        Assert.Empty(r.Problems);
    }

    [Theory]
    [InlineData("<|tool_call_section_begin|><")]
    [InlineData("<|tool_calls_section_begin|><|tool_calls_sec")]
    public void Section_opener_alone_at_the_end_is_a_truncated_problem_not_lost_text(string text)
    {
        // The cut closer was trimmed off and the empty section produced nothing: the text vanished.
        var r = ParseEveryWay("Hi " + text, ToolCallFormat.Kimi, new ToolCallParserOptions());
        Assert.Equal("Hi", r.Content);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(ToolCallProblemKind.Truncated, problem.Kind);
        Assert.Equal(text, problem.RawText);
    }

    [Fact]
    public void DeepSeek_text_before_the_separator_that_is_not_a_type_is_kept_in_a_problem()
    {
        // The R1 reader dropped whatever stood before <｜tool▁sep｜> and took markup after it as the tool name.
        const string call = "<｜tool▁call▁begin｜>True x<think><｜tool▁sep｜><|python_tag|>}";
        var r = ParseEveryWay(call, ToolCallFormat.DeepSeek, new ToolCallParserOptions());
        Assert.Empty(r.Calls);
        var problem = Assert.Single(r.Problems);
        Assert.Equal(call, problem.RawText);
    }

    [Theory]
    [InlineData(ToolCallFormat.Qwen3Coder, "<tool_call>\n<function=f>\n<parameter=a>\n{0}\n</parameter>\n</function>\n</tool_call>")]
    [InlineData(ToolCallFormat.Glm, "<tool_call>f<arg_key>a</arg_key><arg_value>{0}</arg_value></tool_call>")]
    [InlineData(ToolCallFormat.Llama3, "<|python_tag|>{{\"name\": \"f\", \"parameters\": {{\"a\": {0}}}}}<|eom_id|>")]
    public void Deep_json_in_every_family_is_too_deep_not_malformed_or_a_string(ToolCallFormat format, string template)
    {
        var deep = string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70));
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, deep);
        var r = ToolCallParser.Parse(text, format, new ToolCallParserOptions { Tools = [new DeclaredTool("f")] });
        Assert.Empty(r.Calls);
        Assert.Equal(ToolCallProblemKind.TooDeep, Assert.Single(r.Problems).Kind);
    }

    [Fact]
    public void Oversized_qwen3_coder_value_fed_char_by_char_does_not_throw()
    {
        // Dropping the reported head of an oversized call left the value start pointing past the kept text.
        var text = "<tool_call>\n<function=f>\n<parameter=a>\n" + new string('x', 600) + "\n</parameter>\n</function>\n</tool_call>\nAfter";
        var options = new ToolCallParserOptions { MaxToolCallBytes = 256 };
        var r = Chunking.ParseChars(text, 1, ToolCallFormat.Qwen3Coder, options);
        Assert.Equal("After", r.Content);
        Assert.All(r.Problems, p => Assert.Equal(ToolCallProblemKind.TooLarge, p.Kind));
        Assert.Equal(text[..^"\nAfter".Length], string.Concat(r.Problems.Select(p => p.RawText)));
        Chunking.AssertSame(ToolCallParser.Parse(text, ToolCallFormat.Qwen3Coder, options), r, "char by char");
    }

    [Fact]
    public void A_cut_section_closer_at_the_end_of_a_truncated_section_is_not_lost()
    {
        // The partial closer was trimmed off the body (so the call could heal) and then dropped with the region.
        const string text = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>get_weather<｜tool▁sep｜>{\"city\": \"Paris\"}<｜tool▁call▁end｜><｜t";
        var r = ParseEveryWay(text, ToolCallFormat.DeepSeek, new ToolCallParserOptions());
        Assert.Equal("get_weather", Assert.Single(r.Calls).Name);
        Assert.Equal("<｜t", r.Content);
    }

    [Fact]
    public void Declared_bare_function_with_bad_markup_gives_the_same_result_however_chunked()
    {
        // Read in one scan, the bad markup after the name rejected the region; read in pieces, the name was checked
        // first and the region became a Malformed problem.
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] };
        var r = ParseEveryWay("<function=get_weather>\n<arg_key>x</function> after", ToolCallFormat.Qwen3Coder, options);
        Assert.Equal(ToolCallProblemKind.Malformed, Assert.Single(r.Problems).Kind);
        Assert.Equal("after", r.Content);
    }

    [Fact]
    public void Llama3_code_ending_in_a_cut_end_token_keeps_the_cut_token()
    {
        var r = ParseEveryWay("<|python_tag|>print(1)<|eom_i", ToolCallFormat.Llama3, new ToolCallParserOptions());
        Assert.Equal("""{"code":"print(1)"}""", Assert.Single(r.Calls).ArgumentsJson);
        Assert.Equal("<|eom_i", r.Content);
    }

    [Fact]
    public void Compact_qwen3_coder_xml_without_newlines_is_read_at_the_end_of_output()
    {
        // Values written without the newline before </parameter> never meet the strict terminator; at the end of the
        // output the call is read again, each value ending at its first </parameter>, and the text after it is content.
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")] };
        var r = ParseEveryWay("<tool_call><function=get_weather><parameter=city>Paris</parameter><parameter=days>3</parameter></function></tool_call>\nDone.", ToolCallFormat.Qwen3Coder, options);
        var call = Assert.Single(r.Calls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris","days":3}""", call.ArgumentsJson);
        Assert.False(call.Healed);
        Assert.Equal("Done.", r.Content);
        Assert.Empty(r.Problems);
    }

    [Fact]
    public void Hermes_2_pro_function_tag_is_read_for_a_declared_tool_only()
    {
        var declared = new ToolCallParserOptions { Tools = [new DeclaredTool("special_function")] };
        var r = ParseEveryWay("<function=special_function>{\"arg1\": 1}</function>", ToolCallFormat.Hermes, declared);
        var call = Assert.Single(r.Calls);
        Assert.Equal("special_function", call.Name);
        Assert.Equal("""{"arg1": 1}""", call.ArgumentsJson);
        Assert.Equal(string.Empty, r.Content);

        var undeclared = ParseEveryWay("See <function=other>{\"a\": 1}</function> here.", ToolCallFormat.Hermes, declared);
        Assert.Empty(undeclared.Calls);
        Assert.Equal("See <function=other>{\"a\": 1}</function> here.", undeclared.Content);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(400)]
    public void Glm_call_ended_by_text_after_an_unconfirmed_closer_is_not_healed_however_long_the_text(int words)
    {
        // The text after an unconfirmed </arg_value> ends the call and is content. The call used to be healed when that
        // text was short and not healed when it outgrew MaxToolCallBytes (the region then ends at the closer).
        var options = new ToolCallParserOptions { Tools = [new DeclaredTool("get_weather")], MaxToolCallBytes = 512 };
        var rest = string.Join(' ', Enumerable.Range(0, words).Select(i => "word" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var r = ParseEveryWay("<tool_call>get_weather<arg_key>city</arg_key><arg_value>Paris</arg_value> " + rest, ToolCallFormat.Glm, options);
        var call = Assert.Single(r.Calls);
        Assert.Equal("""{"city":"Paris"}""", call.ArgumentsJson);
        Assert.False(call.Healed);
        Assert.Equal(rest, r.Content);
        Assert.Empty(r.Problems);
    }
}
