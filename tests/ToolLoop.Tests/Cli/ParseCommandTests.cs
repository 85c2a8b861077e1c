using System.Text;
using System.Text.Json;
using ToolLoop.Cli;

namespace ToolLoop.Tests.Cli;

/// <summary>The <c>toolloop parse</c> contract, including the stable <c>--jsonl</c> line format.</summary>
public sealed class ParseCommandTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync(args, input, output, error);
        return (code, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }

    [Fact]
    public async Task Parse_reads_a_fixture_file_and_prints_the_call()
    {
        var file = Path.Combine(TestPaths.Fixtures, "hermes", "one_call.txt");
        var (code, stdout, _) = await RunAsync(string.Empty, "parse", "--format", "hermes", file);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        var call = Assert.Single(doc.RootElement.GetProperty("calls").EnumerateArray());
        Assert.Equal("get_weather", call.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, call.GetProperty("arguments").ValueKind);
    }

    [Fact]
    public async Task Parse_reads_stdin_with_declared_tools_and_reasoning_open()
    {
        var (code, stdout, _) = await RunAsync("thinking\n</think>\n{\"name\": \"lookup\", \"parameters\": {\"q\": \"x\"}}", "parse", "--format", "llama3", "--tools", "lookup,other", "--reasoning-open");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("thinking", doc.RootElement.GetProperty("reasoning").GetString());
        Assert.Equal("lookup", doc.RootElement.GetProperty("calls")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Jsonl_writes_one_line_per_input_and_an_error_object_for_a_bad_line()
    {
        var lines = string.Join('\n',
            """{"input": "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": \"é\"}}\n</tool_call>", "format": "hermes"}""",
            "not json",
            """{"input": "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}", "format": "mistral", "tools": ["get_weather"], "reasoning_open": false}""",
            """{"input": "x", "format": "no-such-format"}""",
            """{"format": "hermes"}""",
            """{"input": "plain text"}""");
        var (code, stdout, _) = await RunAsync(lines, "parse", "--jsonl");
        Assert.Equal(0, code);
        var results = stdout.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(6, results.Length);
        Assert.Equal("é", results[0].GetProperty("calls")[0].GetProperty("arguments").GetProperty("a").GetString());
        Assert.True(results[1].TryGetProperty("error", out _));
        Assert.Equal("get_weather", results[2].GetProperty("calls")[0].GetProperty("name").GetString());
        Assert.True(results[3].TryGetProperty("error", out _));
        Assert.True(results[4].TryGetProperty("error", out _));
        Assert.Equal("plain text", results[5].GetProperty("content").GetString());
        foreach (var r in results.Where(r => !r.TryGetProperty("error", out _)))
        {
            foreach (var key in (string[])["content", "reasoning", "calls", "problems"])
            {
                Assert.True(r.TryGetProperty(key, out _), key);
            }

            foreach (var call in r.GetProperty("calls").EnumerateArray())
            {
                foreach (var key in (string[])["id", "name", "arguments"])
                {
                    Assert.True(call.TryGetProperty(key, out _), key);
                }
            }
        }
    }

    [Fact]
    public async Task Unknown_format_and_unknown_option_are_usage_errors()
    {
        Assert.Equal(2, (await RunAsync(string.Empty, "parse", "--format", "nope")).Code);
        Assert.Equal(2, (await RunAsync(string.Empty, "parse", "--bogus")).Code);
        Assert.Equal(2, (await RunAsync(string.Empty, "frobnicate")).Code);
    }

    [Fact]
    public async Task Missing_file_is_an_io_error_not_a_crash()
    {
        var (code, _, stderr) = await RunAsync(string.Empty, "parse", "/no/such/file.txt");
        Assert.Equal(1, code);
        Assert.Contains("file.txt", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Formats_lists_every_format()
    {
        var (code, stdout, _) = await RunAsync(string.Empty, "formats");
        Assert.Equal(0, code);
        foreach (var format in Enum.GetValues<ToolCallFormat>())
        {
            Assert.Contains(ToolCallFormats.GetName(format), stdout, StringComparison.Ordinal);
        }
    }
}
