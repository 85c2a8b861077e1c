using System.Text;
using FsCheck;
using FsCheck.Fluent;
using ToolLoop.Parsing;

namespace ToolLoop.Tests.Parsing;

/// <summary>FsCheck properties over random text built from every family's markers, JSON fragments, whitespace and unicode.</summary>
public sealed class ParserProperties
{
    /// <summary>Cases per property: 400 by default (the suite stays fast); <c>TOOLLOOP_FUZZ_CASES</c> raises it for a deeper run.</summary>
    private static readonly int s_cases = int.TryParse(Environment.GetEnvironmentVariable("TOOLLOOP_FUZZ_CASES"), out var n) && n > 0 ? n : 400;

    /// <summary>Call openers of every family (what the content must never keep when it was read as a call).</summary>
    private static readonly string[] s_openers =
    [
        "<tool_call>", "<function=", "<|python_tag|>", "[TOOL_CALLS]", "<|tool_call>", "<｜tool▁calls▁begin｜>", "<｜tool▁call▁begin｜>",
        "<|tool_calls_section_begin|>", "<|tool_call_section_begin|>", "<|tool_call_begin|>",
    ];

    private static readonly string[] s_otherMarkers =
    [
        "</tool_call>", "<think>", "</think>", "</function>", "<parameter=", "</parameter>", "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>",
        "<|eom_id|>", "<|eot_id|>", "[ARGS]", "[CALL_ID]", "[THINK]", "[/THINK]", "</s>", "<tool_call|>", "<|\"|>", "call:", "<|channel>", "<|channel>thought",
        "<channel|>", "<turn|>", "<|tool_response>", "<｜tool▁calls▁end｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>", "<｜end▁of▁sentence｜>", "<｜tool_calls_begin｜>",
        "<|tool_calls_section_end|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>", "<|im_end|>", "<|im_start|>", "functions.", "```json\n", "```",
    ];

    private static readonly string[] s_fragments =
    [
        "{", "}", "[", "]", "\"", ":", ",", ";", "\\", "{\"name\": \"f\", \"arguments\": {", "{\"name\": \"get_weather\", \"parameters\": {", "\"type\": \"function\", ",
        "\"a\": 1", "\"city\": \"Paris\"", "true", "null", "True", "get_weather", "f", "x", "42", "-1.5e3", "\n", " ", "\t", "\r\n", "  \n\n", "é", "日本", "😀", "\uFFFD",
        "<", ">", "|", "｜", "▁", "`", "=", "#include\n", ".call(", "brave_search", "query=\"q\"", "abc123XYZ", ":0",
    ];

    private static readonly string[] s_prefixes = [.. s_openers, .. s_otherMarkers];

    public static TheoryData<ToolCallFormat> Formats() => [.. Enum.GetValues<ToolCallFormat>()];

    /// <summary>Random model output: markers, fragments, whole well-formed calls of every family, random characters.</summary>
    private static Gen<string> Output()
    {
        var calls = FamilySamples.Families.SelectMany(f => new[] { f.Call("get_weather", """{"city": "Paris"}"""), f.Call("f", """{"a": [1, {"b": "x"}]}""") }).ToArray();
        var token = Gen.Frequency(
            (4, Gen.Elements(s_openers)),
            (4, Gen.Elements(s_otherMarkers)),
            (8, Gen.Elements(s_fragments)),
            (2, Gen.Elements(calls)),
            (3, Gen.Choose(32, 0x2FFF).Select(c => ((char)c).ToString())),
            (2, Gen.Elements(s_prefixes).SelectMany(m => Gen.Choose(1, m.Length - 1).Select(n => m[..n]))));
        return Gen.ListOf(token).Select(ts => string.Concat(ts));
    }

    private static Arbitrary<(string Text, int Seed, bool Tools, bool Reasoning)> Inputs()
        => Arb.From(Output().SelectMany(t => Gen.Choose(0, int.MaxValue - 1).SelectMany(seed => Gen.Elements(true, false).SelectMany(tools => Gen.Elements(true, false).Select(r => (t, seed, tools, r))))));

    private static ToolCallParserOptions OptionsFor(bool tools, bool reasoning)
    {
        var options = tools ? FamilySample.OptionsFor(("get_weather", """{"city": "Paris"}"""), ("f", """{"a": []}""")) : new ToolCallParserOptions();
        options.StartInReasoning = reasoning;
        return options;
    }

    /// <summary>
    /// The random stream the properties draw from. CI runs one fixed stream, so a run never fails by chance;
    /// <c>TOOLLOOP_FSCHECK_REPLAY=seed,gamma[,size]</c> replays the stream a failure printed, and
    /// <c>TOOLLOOP_FSCHECK_REPLAY=random</c> draws a new stream (FsCheck's default) to explore.
    /// </summary>
    private static Config Configured()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(s_cases).WithQuietOnSuccess(true);
        var replay = Environment.GetEnvironmentVariable("TOOLLOOP_FSCHECK_REPLAY");
        if (string.Equals(replay, "random", StringComparison.OrdinalIgnoreCase))
        {
            return config;
        }

        ulong seed = 0x746F6F6C6C6F6F70, gamma = 0x9E3779B97F4A7C15; // "toolloop", the golden gamma
        var size = Microsoft.FSharp.Core.FSharpOption<int>.None;
        if (!string.IsNullOrEmpty(replay))
        {
            var parts = replay.Split(',', StringSplitOptions.TrimEntries);
            seed = ulong.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
            gamma = parts.Length > 1 ? ulong.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : gamma;
            size = parts.Length > 2 ? Microsoft.FSharp.Core.FSharpOption<int>.Some(int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)) : size;
        }

        return config.WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(seed, gamma), size)));
    }

    private static void Check(Arbitrary<(string Text, int Seed, bool Tools, bool Reasoning)> inputs, Action<(string Text, int Seed, bool Tools, bool Reasoning)> property)
        => FsCheck.Check.One(Configured(), Prop.ForAll(inputs, x => property(x)));

    [Theory]
    [MemberData(nameof(Formats))]
    public void Never_throws_and_random_chunkings_equal_the_whole_parse(ToolCallFormat format)
        => Check(Inputs(), x =>
        {
            var options = OptionsFor(x.Tools, x.Reasoning);
            var whole = ToolCallParser.Parse(x.Text, format, options);
            var bytes = Encoding.UTF8.GetBytes(x.Text);
            Chunking.AssertSame(whole, Chunking.Parse(bytes, Chunking.RandomSizes(bytes.Length, x.Seed), format, options), "random byte chunks");
            Chunking.AssertSame(whole, Chunking.ParseChars(x.Text, 1 + (x.Seed % 5), format, options), "char chunks");
            foreach (var call in whole.Calls)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(call.ArgumentsJson);
                Assert.Equal(System.Text.Json.JsonValueKind.Object, doc.RootElement.ValueKind);
            }
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public void Nothing_is_held_back_after_text_that_cannot_start_a_marker(ToolCallFormat format)
        => Check(Inputs(), x =>
        {
            using var core = new ParserCore(format, OptionsFor(x.Tools, x.Reasoning));
            var events = new List<ToolCallParseEvent>();
            core.Append(x.Text.AsSpan(), events);

            // '~' starts no marker and continues none: whatever was held as a possible marker is now decided.
            core.Append("~~~~".AsSpan(), events);
            if (core.InCall)
            {
                return;
            }

            var emitted = string.Concat(events.Where(e => e.Text is not null).Select(e => e.Text));
            Assert.EndsWith("~~~~", emitted, StringComparison.Ordinal);
            var tail = new List<ToolCallParseEvent>();
            core.Complete(tail);
            Assert.DoesNotContain(tail, e => e.Text is not null);
        });

    [Theory]
    [MemberData(nameof(Formats))]
    public void Output_never_holds_more_call_openers_than_the_input(ToolCallFormat format)
        => Check(Inputs(), x =>
        {
            using var parser = new StreamingToolCallParser(format, OptionsFor(x.Tools, x.Reasoning));
            var events = new List<ToolCallParseEvent>();
            parser.Append(x.Text.AsSpan(), events);
            parser.Complete(events);
            var r = ToolCallParser.Collect(events);

            // Removing non-opener markup can join text into an opener; compare against the input with it removed.
            // Text on both sides of a call is in separate events, so a call's removal does not join its neighbours.
            var input = x.Text;
            foreach (var m in s_otherMarkers.Concat(NothingLost.CommonMarkup).OrderByDescending(m => m.Length))
            {
                input = input.Replace(m, "", StringComparison.Ordinal);
            }

            var output = string.Join("\u0000", events.Select(e => e.Text ?? e.Problem?.RawText));
            foreach (var opener in s_openers)
            {
                Assert.True(Occurrences(output, opener) <= Occurrences(input, opener), $"'{opener}' duplicated in {r.ToJson()}");
            }
        });

    public static TheoryData<string> SampleKeys() => FamilySamples.Keys();

    [Theory]
    [MemberData(nameof(SampleKeys))]
    public void Well_formed_calls_between_prose_are_all_read_and_no_opener_stays_in_content(string key)
    {
        var s = FamilySamples.Get(key);
        var prose = Gen.ListOf(Gen.Elements("Hello", "world", "ünï", "日本", "😀", "42", ".", ",", "!", "?", " ", "- ", "(x)")).Select(ws => string.Concat(ws).Trim()).Where(p => p.Length > 0);
        var names = new[] { "get_weather", "get_time", "mcp.search", "f" };
        var args = new[] { """{"city": "Paris"}""", """{}""", """{"n": 3, "list": [1, 2], "obj": {"k": "v w"}}""", """{"text": "a \"b\" {c} <d> 😀"}""" };
        var piece = Gen.Frequency(
            (1, prose.Select(p => (Prose: p, Name: (string?)null, Args: ""))),
            (1, Gen.Elements(names).SelectMany(n => Gen.Elements(args).Select(a => (Prose: "", Name: (string?)n, Args: a)))));
        var options = new ToolCallParserOptions();
        foreach (var n in names)
        {
            options.Tools.Add(new DeclaredTool(n));
        }

        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true), Prop.ForAll(Arb.From(Gen.ListOf(piece)), pieces =>
        {
            var text = new StringBuilder();
            var expectedCalls = new List<(string Name, string Args)>();
            var expectedContent = new StringBuilder();
            var afterProse = false;
            foreach (var p in pieces)
            {
                if (p.Name is null)
                {
                    // Prose pieces next to each other are one text: the newline between them is inner whitespace.
                    expectedContent.Append(afterProse ? "\n" : "").Append(p.Prose);
                    text.Append(p.Prose).Append('\n');
                    afterProse = true;
                }
                else
                {
                    afterProse = false;
                    text.Append(s.Call(p.Name, p.Args, expectedCalls.Count)).Append('\n');
                    expectedCalls.Add((p.Name, p.Args));
                }
            }

            var r = ToolCallParser.Parse(text.ToString(), s.Format, options);
            Assert.Empty(r.Problems);
            Assert.Equal(expectedContent.ToString(), r.Content);
            Assert.Equal(expectedCalls.Select(c => c.Name), r.Calls.Select(c => c.Name));
            foreach (var opener in s_openers)
            {
                Assert.DoesNotContain(opener, r.Content, StringComparison.Ordinal);
            }

            Chunking.AssertSame(r, Chunking.ParseChars(text.ToString(), 3, s.Format, options), "chunks of 3 chars");
        }));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Nothing_is_lost_from_random_output(ToolCallFormat format)
    {
        var markup = FamilySamples.Families.SelectMany(f => f.Markup).Concat(s_otherMarkers).Concat(s_openers).Distinct().ToArray();
        Check(Inputs(), x =>
        {
            var r = ToolCallParser.Parse(x.Text, format, OptionsFor(x.Tools, x.Reasoning));
            NothingLost.Check(x.Text, r, markup);
        });
    }

    private static int Occurrences(string text, string marker)
    {
        var n = 0;
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
