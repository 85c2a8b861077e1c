using System.Text.Json;
using ToolLoop.Cli;

namespace ToolLoop.Tests.Cli;

/// <summary>The <c>toolloop parse</c> contract, including the stable <c>--jsonl</c> line format.</summary>
public sealed class ParseCommandTests
{
    private static Task<CliResult> RunAsync(string stdin, params string[] args) => CliRun.RunAsync(stdin, args);

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

    [Theory]
    [InlineData("[{\"name\": \"a\"", "not valid JSON")]
    [InlineData("{\"name\": \"a\"}", "must be an array")]
    [InlineData("[{\"parameters\": {}}]", "needs a \"name\"")]
    [InlineData("[42]", "name or an object")]
    public async Task A_bad_tools_file_is_a_one_line_input_error(string toolsJson, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"toolloop-tools-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, toolsJson, TestContext.Current.CancellationToken);
        try
        {
            var (code, stdout, stderr) = await RunAsync("text", "parse", "--tools-file", path);
            Assert.Equal(1, code);
            Assert.Equal(string.Empty, stdout);
            Assert.Contains(expected, stderr, StringComparison.Ordinal);
            Assert.Contains(path, stderr, StringComparison.Ordinal);
            Assert.Single(stderr.TrimEnd('\n').Split('\n'));
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Help_goes_to_stdout_with_exit_code_0(string flag)
    {
        foreach (var args in new[] { new[] { flag }, new[] { "parse", flag } })
        {
            var (code, stdout, stderr) = await RunAsync(string.Empty, args);
            Assert.Equal(0, code);
            Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
            Assert.Equal(string.Empty, stderr);
        }
    }

    [Fact]
    public async Task Options_take_their_value_after_an_equals_sign()
    {
        var (code, stdout, _) = await RunAsync("[TOOL_CALLS]f[ARGS]{\"a\": 1}", "parse", "--format=mistral", "--tools=f,g");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("f", doc.RootElement.GetProperty("calls")[0].GetProperty("name").GetString());

        var (hermesCode, hermesOut, _) = await RunAsync("<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>", "parse", "--format=hermes");
        Assert.Equal(0, hermesCode);
        using var hermes = JsonDocument.Parse(hermesOut);
        Assert.Equal(1, hermes.RootElement.GetProperty("calls").GetArrayLength());
    }

    [Fact]
    public async Task Jsonl_answers_every_input_line_including_blank_ones_and_names_the_line()
    {
        var lines = string.Join('\n',
            """{"input": "one"}""",
            string.Empty,
            "   ",
            "{\"input\": ",
            """{"input": "five"}""");
        var (code, stdout, _) = await RunAsync(lines + "\n", "parse", "--jsonl");
        Assert.Equal(0, code);
        var results = stdout.Split('\n')[..^1].Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(5, results.Length);
        Assert.Equal("one", results[0].GetProperty("content").GetString());
        Assert.StartsWith("line 2: blank line", results[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("line 3: blank line", results[2].GetProperty("error").GetString(), StringComparison.Ordinal);
        var invalid = results[3].GetProperty("error").GetString()!;
        Assert.StartsWith("line 4: not valid JSON", invalid, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", invalid, StringComparison.Ordinal);
        Assert.Equal("five", results[4].GetProperty("content").GetString());
    }
}
