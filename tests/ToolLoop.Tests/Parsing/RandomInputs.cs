using System.Text;

namespace ToolLoop.Tests.Parsing;

/// <summary>One generated input: the text (may hold lone surrogates) and bytes that must parse the same way.</summary>
/// <param name="Text">The input as a string.</param>
/// <param name="Bytes">The input as UTF-8 (may hold invalid sequences; <paramref name="Text"/> is their decoding).</param>
public sealed record RandomInput(string Text, byte[] Bytes);

/// <summary>
/// Hostile model output, generated from a seed: prose, every family's markers (the secondary families' of formats.md
/// section 9 too) whole and cut, JSON fragments, well-formed and truncated calls, invalid UTF-8, NUL, lone surrogates raw
/// and escaped, huge numbers, deep nesting, marker floods and closer floods.
/// </summary>
public static class RandomInputs
{
    /// <summary>The markers of the primary families (ParserCore's tables).</summary>
    public static readonly string[] PrimaryMarkers =
    [
        "<tool_call>", "</tool_call>", "<think>", "</think>", "<function=", "</function>", "<parameter=", "</parameter>",
        "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "<|python_tag|>", "<|eom_id|>", "<|eot_id|>", "[TOOL_CALLS]",
        "[ARGS]", "[CALL_ID]", "[THINK]", "[/THINK]", "</s>", "<|tool_call>", "<tool_call|>", "<|\"|>", "call:", "<|channel>",
        "<|channel>thought", "<channel|>", "<turn|>", "<|tool_response>", "<end_of_turn>", "<eos>", "<start_function_call>",
        "<end_function_call>", "<escape>", "<start_function_response>", "<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>",
        "<｜tool▁call▁begin｜>", "<｜tool▁call▁end｜>", "<｜tool▁sep｜>", "<｜end▁of▁sentence｜>", "<｜tool▁calls｜>",
        "<｜tool_calls_begin｜>", "<|tool_calls_section_begin|>", "<|tool_call_section_begin|>", "<|tool_calls_section_end|>",
        "<|tool_call_begin|>", "<|tool_call_argument_begin|>", "<|tool_call_end|>", "<|im_end|>", "<|im_start|>",
        "<|endoftext|>", "<|end_of_text|>", "functions.", "```json\n", "```", "<|user|>", "<|observation|>", "<|role_end|>",
    ];

    /// <summary>The markers of the secondary families (formats.md section 9).</summary>
    public static readonly string[] SecondaryMarkers =
    [
        // 9.1 gpt-oss harmony
        "<|start|>", "<|end|>", "<|message|>", "<|channel|>", "<|constrain|>", "<|return|>", "<|call|>", " to=functions.",
        "<|start|>assistant", "<|channel|>analysis", "<|channel|>commentary", "<|channel|>final", " json", "<|constrain|>json",
        // 6.1 DeepSeek V3.2 / V4 DSML
        "<｜DSML｜function_calls>", "</｜DSML｜function_calls>", "<｜DSML｜tool_calls>", "</｜DSML｜tool_calls>", "<｜DSML｜invoke name=\"",
        "</｜DSML｜invoke>", "<｜DSML｜parameter name=\"", "\" string=\"true\">", "\" string=\"false\">", "</｜DSML｜parameter>",
        "<function_calls>", "<invoke name=\"",
        // 9.2 MiniMax M2 / M3
        "<minimax:tool_call>", "</minimax:tool_call>", "</invoke>", "<parameter name=\"", "]~!b[", "]~b]", "[e~[", "]<]minimax[>[",
        "<mm:think>", "</mm:think>",
        // 9.3 Seed-OSS
        "<seed:tool_call>", "</seed:tool_call>", "<seed:think>", "</seed:think>", "<seed:bos>", "<seed:eos>", "<seed:cot_budget_reflect>",
        // 9.4 Nemotron Nano v2
        "<TOOLCALL>", "</TOOLCALL>", "<SPECIAL_10>", "<SPECIAL_11>", "<SPECIAL_12>",
        // 9.5 Command R7B
        "<|START_THINKING|>", "<|END_THINKING|>", "<|START_ACTION|>", "<|END_ACTION|>", "<|START_RESPONSE|>", "<|END_RESPONSE|>",
        "<|END_OF_TURN_TOKEN|>", "<|START_TEXT|>", "<|END_TEXT|>", "{\"tool_call_id\": \"0\", \"tool_name\": ",
        // 9.6 Granite 3.x
        "<|tool_call|>", "<|start_of_role|>", "<|end_of_role|>", "<response>", "</response>",
        // 9.7 FireFunction v2, 9.8 Functionary
        " functools[", ">>>all\n", ">>>",
        // 9.9 Hunyuan
        "<tool_calls:opensource>", "</tool_calls:opensource>", "<tool_call:opensource>", "</tool_call:opensource>", "<tool_sep:opensource>",
        "<arg_key:opensource>", "</arg_key:opensource>", "<arg_value:opensource>", "</arg_value:opensource>", "<think:opensource>",
        "</think:opensource>", "<｜hy_eos:opensource｜>", "<tool_calls>", "</tool_calls>", "<answer>",
        // 9.10 Apertus, 9.11 LFM2
        "<|tools_prefix|>", "<|tools_suffix|>", "<|inner_prefix|>", "<|inner_suffix|>", "<|assistant_end|>", "<|tool_call_start|>",
        "<|tool_call_end|>",
        // 9.12 Kimi K3
        "<|open|>", "<|close|>", "<|sep|>", "<|end_of_msg|>", "<|open|>tools<|sep|>", "<|open|>call tool=\"", "<|open|>argument key=\"",
        "\" type=\"string\"<|sep|>", "<|close|>argument<|sep|>", "<|close|>call<|sep|>", "<|open|>response<|sep|>", "<|close|>think<|sep|>",
    ];

    private static readonly string[] s_words =
    [
        "The", " weather", " is", " mild", ".", ",", "!", " ", "  ", "\n", "\n\n", "\t", "\r\n", "ünï", "日本語", "😀", " naïve", "é",
        "Sure", " I'll", " call", "recall:", " tool", " <b>", "</b>", "[docs]", "(x)", "#include <functional>", "'", "`", "~", "|", "｜", "▁",
    ];

    private static readonly string[] s_json =
    [
        "{", "}", "[", "]", "\"", ":", ",", ";", "\\", "\\\"", "{\"name\": \"get_weather\", \"arguments\": {", "{\"name\": \"f\", \"parameters\": {",
        "{\"name\": \"get_weather\", \"name\": \"delete_all\", \"arguments\": {}}", "\"arguments\": {}, \"parameters\": {}", "\"type\": \"function\", ",
        "\"a\": 1", "\"city\": \"Paris\"", "\"id\": \"abc123XYZ\"", "true", "false", "null", "True", "None", "tru", "-", "-1.5e3", "0.", "1e",
        "\"\\u00e9\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud83d\\ude00\"", "\\u", "\"\\u12", "{}", "[]", "{\"a\": {\"b\": [1, {\"c\": null}]}}",
        "get_weather", "f", "mcp.search", "=", "query=\"q\"", ".call(", "brave_search", ":0", "k:", "<|\"|>v<|\"|>", "x:1,y:", "note:a, b: c",
    ];

    private static readonly byte[][] s_invalidUtf8 =
    [
        [0xFF], [0xFE], [0x80], [0xBF], [0xC0, 0x80], [0xC1, 0xBF], [0xE6, 0x97], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
        [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0xAF], [0xC2], [0xF8, 0x88, 0x80, 0x80, 0x80],
    ];

    /// <summary>Every marker, for the "nothing lost" check of formats without a sample and for Auto.</summary>
    public static IEnumerable<string> AllMarkers => PrimaryMarkers.Concat(SecondaryMarkers);

    public static RandomInput Next(Random random)
    {
        var text = new StringBuilder();
        var bytes = new List<byte>();
        var rawBytes = false;
        var count = random.Next(100) < 3 ? random.Next(30, 80) : random.Next(0, 16);
        for (var i = 0; i < count; i++)
        {
            switch (random.Next(100))
            {
                case < 22:
                    Add(text, bytes, Pick(random, s_words));
                    break;
                case < 38:
                    Add(text, bytes, Pick(random, random.Next(3) == 0 ? SecondaryMarkers : PrimaryMarkers));
                    break;
                case < 44:
                    // A marker cut short: a possible marker that never completes.
                    var m = Pick(random, random.Next(3) == 0 ? SecondaryMarkers : PrimaryMarkers);
                    Add(text, bytes, m[..random.Next(1, Math.Max(2, m.Length))]);
                    break;
                case < 60:
                    Add(text, bytes, Pick(random, s_json));
                    break;
                case < 72:
                    var call = Call(random);
                    Add(text, bytes, random.Next(3) == 0 ? call[..random.Next(call.Length + 1)] : call);
                    break;
                case < 76:
                    bytes.AddRange(Pick(random, s_invalidUtf8));
                    rawBytes = true;
                    break;
                case < 78:
                    Add(text, bytes, "\0");
                    break;
                case < 81:
                    // Raw lone surrogates (spaced, so two never pair up): the bytes carry what the parser must make of them.
                    var lone = Pick(random, ["\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uDC00\uD800"]);
                    text.Append(' ').Append(lone).Append(' ');
                    bytes.AddRange(Encoding.UTF8.GetBytes(" " + new string('\uFFFD', lone.Length) + " "));
                    break;
                case < 84:
                    Add(text, bytes, Pick(random, ["1" + new string('0', random.Next(20, 200)), "1e999999", "-0." + new string('0', 120) + "1", "123456789012345678901234567890.5e-400"]));
                    break;
                case < 87:
                    var depth = random.Next(10, 100);
                    var open = Pick(random, ["[", "{\"a\":", "{\"k\": [", "{a:", "<|\"|>["]);
                    Add(text, bytes, string.Concat(Enumerable.Repeat(open, depth)) + (random.Next(2) == 0 ? "1" + new string(']', depth) : string.Empty));
                    break;
                case < 91:
                    // A flood of one marker (openers especially): every path must stay linear.
                    var flood = Pick(random, random.Next(2) == 0 ? s_floodable : PrimaryMarkers.Concat(SecondaryMarkers).ToArray());
                    Add(text, bytes, string.Concat(Enumerable.Repeat(flood, random.Next(5, 60))));
                    break;
                case < 94:
                    Add(text, bytes, new string(Pick(random, ['}', ']', ' ', '\n', '"', '<', '>', '|', ',']), random.Next(10, 200)));
                    break;
                default:
                    Add(text, bytes, ((char)random.Next(32, 0xD7FF)).ToString());
                    break;
            }
        }

        // With invalid bytes in it, the text is what a UTF-8 decoder makes of all the bytes (a cut sequence may be
        // completed by the bytes after it, so the pieces cannot be decoded one by one).
        return new RandomInput(rawBytes ? s_utf8.GetString([.. bytes]) : text.ToString(), [.. bytes]);
    }

    private static readonly string[] s_floodable =
    [
        "<tool_call>", "<function=", "<function=get_weather>", "{\"name\": \"", "{\"name\": \"get_weather\", \"arguments\": {", "[TOOL_CALLS]",
        "<|tool_call>call:", "call:get_weather{", "<parameter=a>", "<|python_tag|>", "<｜tool▁call▁begin｜>", "<|tool_call_begin|>", "{", "[{",
        "<|\"|>", "<tool_call>get_weather\n<arg_key>", "<start_function_call>call:f{",
    ];

    private static string Call(Random random)
    {
        var family = FamilySamples.Families[random.Next(FamilySamples.Families.Length)];
        var name = Pick(random, ["get_weather", "f", "undeclared_tool", "mcp.search"]);
        var args = Pick(random,
        [
            """{"city": "Paris"}""", """{}""", """{"a": [1, {"b": "x"}], "n": -2.5, "t": true, "z": null}""",
            """{"text": "a \"b\" {c} <d> 😀 </parameter> </arg_value> <tool_call|>"}""", """{"note": "call me at 9:30, or later", "q": ""}""",
        ]);
        return family.Call(name, args, random.Next(3));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static void Add(StringBuilder text, List<byte> bytes, string s)
    {
        text.Append(s);
        bytes.AddRange(Encoding.UTF8.GetBytes(s));
    }

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
}
