using System.Text.Json.Nodes;
using Xunit;

namespace ToolLoop.Tests.Templates;

public sealed class TemplateEngineTests
{
    private static string Render(string template, string variablesJson = "{}", ChatTemplateOptions? options = null) =>
        ChatTemplate.Parse(template).Render(JsonNode.Parse(variablesJson)!.AsObject(), options);

    [Fact]
    public void Syntax_error_reports_line_and_column()
    {
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse("line one\n  {% if x %}\n  {{ 1 + }}\n{% endif %}"));
        Assert.Equal(3, e.Line);
        Assert.Equal(10, e.Column);
        Assert.Contains("line 3, column 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_block_is_a_syntax_error()
    {
        var e = Assert.Throws<TemplateException>(() => ChatTemplate.Parse("{% for x in y %}\nbody"));
        Assert.Contains("endfor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raise_exception_carries_the_template_message_and_position()
    {
        var e = Assert.Throws<TemplateException>(() => Render("ok\n{% if true %}{{ raise_exception('Roles must alternate') }}{% endif %}"));
        Assert.Equal("Roles must alternate", e.TemplateMessage);
        Assert.Equal(2, e.Line);
        Assert.Equal(17, e.Column);
    }

    [Fact]
    public void Attribute_of_undefined_raises_but_printing_undefined_is_empty()
    {
        Assert.Equal("[]", Render("[{{ missing }}{{ missing.x is defined }}]".Replace("{{ missing.x is defined }}", "", StringComparison.Ordinal)));
        var e = Assert.Throws<TemplateException>(() => Render("{{ missing.x }}"));
        Assert.Contains("'missing' is undefined", e.Message, StringComparison.Ordinal);
        Assert.Equal("False", Render("{{ d.missing is defined }}", """{"d": {}}"""));
    }

    [Fact]
    public void Loop_cap_stops_runaway_templates()
    {
        var options = new ChatTemplateOptions { MaxLoopIterations = 1000 };
        var e = Assert.Throws<TemplateException>(() => Render("{% for i in range(100) %}{% for j in range(100) %}{% endfor %}{% endfor %}", options: options));
        Assert.Contains("MaxLoopIterations", e.Message, StringComparison.Ordinal);
        Assert.Equal("", Render("{% for i in range(10) %}{% for j in range(10) %}{% endfor %}{% endfor %}", options: options));
    }

    [Fact]
    public void Output_cap_stops_runaway_templates()
    {
        var options = new ChatTemplateOptions { MaxOutputLength = 10_000 };
        var e = Assert.Throws<TemplateException>(() => Render("{% for i in range(5000) %}xyz{% endfor %}", options: options));
        Assert.Contains("MaxOutputLength", e.Message, StringComparison.Ordinal);
        Assert.Throws<TemplateException>(() => Render("{% macro m() %}{% for i in range(2000) %}abcdefgh{% endfor %}{% endmacro %}{% set x = m() %}", options: options));
    }

    [Fact]
    public void Recursion_cap_stops_infinite_macro_recursion()
    {
        var e = Assert.Throws<TemplateException>(() => Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"));
        Assert.Contains("MaxRecursionDepth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_ranges_and_repetition_are_refused()
    {
        Assert.Throws<TemplateException>(() => Render("{{ range(10000000)|length }}"));
        Assert.Throws<TemplateException>(() => Render("{{ 'x' * 100000000 }}"));
    }

    [Theory]
    [InlineData("{{ 'x'|indent(10000000000) }}")]
    [InlineData("{{ 'x'|tojson(indent=10000000000) }}")]
    [InlineData("{{ 'x'.center(10000000000) }}")]
    [InlineData("{{ 'x'.zfill(10000000000) }}")]
    [InlineData("{{ 'x'.center(5, '') }}")]
    [InlineData("{{ '%99999999999d' % 1 }}")]
    [InlineData("{{ '%c' % 99999999999 }}")]
    [InlineData("{{ 'x' * 9223372036854775807 }}")]
    [InlineData("{{ [1, 2] * 9223372036854775807 }}")]
    [InlineData("{{ 2 ** 2000000 }}")]
    [InlineData("{{ (2 ** 1000000) * (2 ** 1000000) }}")]
    [InlineData("{{ 10 ** 5000 }}")]
    [InlineData("{{ (10 ** 5000)|tojson }}")]
    public void Oversized_values_fail_cleanly(string template)
    {
        Assert.Throws<TemplateException>(() => Render(template));
    }

    [Theory]
    [InlineData("{{ 1 ** 1000000000000000 }}", "1")]
    [InlineData("{{ 2 ** 62 }}", "4611686018427387904")]
    [InlineData("{{ [1, 2, 3][::9223372036854775807] }}", "[1]")]
    [InlineData("{{ [1, 2, 3][::-9223372036854775807] }}", "[3]")]
    [InlineData("{{ 'abc'[-9223372036854775807:9223372036854775807] }}", "abc")]
    [InlineData("{{ [1][99999999999] is defined }}", "False")]
    [InlineData("{{ x }} {{ y }} {{ z }}", "inf 12345678901234567 1e+100")]
    [InlineData("{{ 9223372036854775807 + 1 }}", "9223372036854775808")]
    [InlineData("{{ 3 ** 200 }}", "265613988875874769338781322035779626829233452653394495974574961739092490901302182994384699044001")]
    [InlineData("{{ 0xFFFFFFFFFFFFFFFFFFFF }}", "1208925819614629174706175")]
    [InlineData("{{ [1, 2, 3]|sum(start=9223372036854775807) }}", "9223372036854775813")]
    [InlineData("{{ (10 ** 4300) > (10 ** 4299) }}", "True")]
    public void Extreme_but_valid_values_render(string template, string expected)
    {
        string vars = """{"x": 1e400, "y": 12345678901234567, "z": 1e100}""";
        Assert.Equal(expected, Render(template, vars));
    }

    [Fact]
    public void Variables_built_from_clr_values_render_like_parsed_json()
    {
        var built = new JsonObject
        {
            ["s"] = "text",
            ["i"] = 3,
            ["l"] = 4L,
            ["d"] = 1.0,
            ["f"] = 2.5f,
            ["m"] = 1.25m,
            ["b"] = true,
            ["when"] = JsonValue.Create(new DateTime(2024, 7, 26, 0, 0, 0, DateTimeKind.Utc)),
            ["n"] = null,
            ["list"] = new JsonArray(1, "two", 3.5),
        };
        var parsed = JsonNode.Parse(built.ToJsonString())!.AsObject();
        const string template = "{{ s }}|{{ i }}|{{ l }}|{{ d }}|{{ f }}|{{ m }}|{{ b }}|{{ when }}|{{ n }}|{{ list }}|{{ i is integer }}{{ d is float }}";
        Assert.Equal(Render(template, parsed.ToJsonString()), ChatTemplate.Parse(template).Render(built));
        Assert.Equal("text|3|4|1|2.5|1.25|True|2024-07-26T00:00:00Z|None|[1, 'two', 3.5]|TrueFalse", ChatTemplate.Parse(template).Render(built));
    }

    [Fact]
    public void Deeply_nested_expressions_fail_cleanly()
    {
        string deep = "{{ " + new string('(', 20000) + "1" + new string(')', 20000) + " }}";
        Assert.Throws<TemplateException>(() => ChatTemplate.Parse(deep));
    }

    [Fact]
    public void Parse_is_cached_per_template_text()
    {
        string text = "{{ 'cached' }}" + Guid.NewGuid().ToString("N");
        Assert.Same(ChatTemplate.Parse(text), ChatTemplate.Parse(text));
        Assert.NotSame(ChatTemplate.Parse(text), ChatTemplate.Parse(text + " "));
    }

    [Fact]
    public void Concurrent_renders_of_one_template_are_independent()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace(s=0) %}{% for i in range(n) %}{% set ns.s = ns.s + i %}{% endfor %}{{ n }}:{{ ns.s }}");
        var results = new string[200];
        Parallel.For(0, results.Length, i => results[i] = template.Render(new JsonObject { ["n"] = i }));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal($"{i}:{i * (i - 1) / 2}", results[i]);
        }
    }

    [Fact]
    public void Strftime_now_uses_the_configured_clock()
    {
        var options = new ChatTemplateOptions { TimeProvider = new TemplateConversations.FixedTimeProvider(new DateTimeOffset(2024, 7, 26, 9, 5, 3, TimeSpan.Zero)) };
        Assert.Equal("26 Jul 2024 09:05:03 Friday", Render("{{ strftime_now('%d %b %Y %H:%M:%S %A') }}", options: options));
    }

    [Fact]
    public void Random_token_soup_never_escapes_as_anything_but_TemplateException()
    {
        string[] pieces =
        [
            "{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "if", "for", "in", "endif", "endfor", "else", "elif", "set", "=", "macro", "endmacro",
            "call", "endcall", "filter", "endfilter", "raw", "endraw", "x", "messages", "loop", "ns", "namespace(a=1)", "ns.a", "(", ")", "[", "]", "{", "}",
            ",", ":", ".", "|", "tojson", "length", "trim", "items", "selectattr('a')", "map(attribute='b')", "join", "default", "is", "not", "defined",
            "none", "string", "mapping", "+", "-", "*", "/", "//", "%", "**", "~", "==", "<", "and", "or", "'s'", "\"t\"", "1", "2.5", "-1", "x[1:2]",
            "range(3)", "raise_exception('r')", "loop.index", "break", "continue", " ", "\n", "text", "caller()", "x.split(',')", "x.strip()", "d.get('k')",
            "0x1F", "1e3", "1_000", "'", "\"", "\\", "{%- raw -%}", "{% endraw %}", "#", "-", "+%}", "{%+", "is not", "recursive", "loop(x)", "x.append(1)",
            "d.update(d)", "|safe", "% 2", "'%s' %", "dictsort", "groupby('a')", "x[::-1]", "x[-1:]", "with", "endwith", "generation", "endgeneration",
        ];
        var random = new Random(12345);
        var variables = JsonNode.Parse("""{"x": "a,b", "d": {"k": [1, {"a": true, "b": "v"}]}, "messages": [{"role": "user", "content": "hi", "a": 1}]}""")!.AsObject();
        var options = new ChatTemplateOptions { MaxLoopIterations = 10_000, MaxOutputLength = 100_000 };
        int rendered = 0, rejected = 0;
        for (int i = 0; i < 6000; i++)
        {
            int n = random.Next(1, 25);
            var sb = new System.Text.StringBuilder();
            for (int k = 0; k < n; k++)
            {
                sb.Append(pieces[random.Next(pieces.Length)]).Append(random.Next(3) == 0 ? " " : "");
            }

            try
            {
                ChatTemplate.Parse(sb.ToString()).Render(variables, options);
                rendered++;
            }
            catch (TemplateException)
            {
                rejected++;
            }
        }

        Assert.True(rendered > 100, $"only {rendered} random templates rendered");
        Assert.True(rejected > 100, $"only {rejected} random templates were rejected");
    }
}
