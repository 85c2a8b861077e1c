using System.Text;
using System.Text.RegularExpressions;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// The schema → grammar cases of llama.cpp's <c>tests/test-json-schema-to-grammar.cpp</c>, read at test time from the
/// llama.cpp source fetched by <c>eng/fetch-deps.sh</c> (<c>TOOLLOOP_LLAMA_SRC_DIR</c>); nothing of it is copied into
/// this repository.
/// </summary>
public static partial class LlamaSchemaTestCases
{
    public sealed record SchemaCase(string Name, bool ExpectSuccess, string Schema, string ExpectedGrammar)
    {
        public override string ToString() => Name;
    }

    public static string SourcePath
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("TOOLLOOP_LLAMA_SRC_DIR");
            if (string.IsNullOrEmpty(dir))
            {
                const string Message = "TOOLLOOP_LLAMA_SRC_DIR is not set: run eval \"$(bash eng/fetch-deps.sh)\" before dotnet test.";
                if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
                {
                    Assert.Fail(Message + " (CI is set, so this is a failure.)");
                }

                Assert.Skip(Message);
            }

            return Path.Combine(dir, "tests", "test-json-schema-to-grammar.cpp");
        }
    }

    private static readonly Lazy<IReadOnlyList<SchemaCase>> s_cases = new(() => Read(File.ReadAllText(SourcePath)));

    public static IReadOnlyList<SchemaCase> All => s_cases.Value;

    /// <summary>Names for xunit's member data (the cases are read when the tests run, not at discovery).</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TOOLLOOP_LLAMA_SRC_DIR")))
        {
            foreach (var c in All)
            {
                data.Add(c.Name);
            }
        }
        else
        {
            data.Add("(llama.cpp source not available)");
        }

        return data;
    }

    public static SchemaCase Get(string name)
    {
        _ = SourcePath;
        return All.Single(c => c.Name == name);
    }

    /// <summary>llama.cpp's <c>trim</c> of both sides before comparing: outer whitespace and each line's indentation.</summary>
    public static string Trim(string s) => LineIndent().Replace(s.Trim(' ', '\n', '\r', '\t'), "$1");

    [GeneratedRegex("(^|\n)[ \t]+")]
    private static partial Regex LineIndent();

    // Reads every `test({ STATUS, "name", schema, grammar });` call.
    public static IReadOnlyList<SchemaCase> Read(string source)
    {
        var cases = new List<SchemaCase>();
        var pos = 0;
        while ((pos = source.IndexOf("test({", pos, StringComparison.Ordinal)) >= 0)
        {
            pos += "test({".Length;
            var status = ReadIdentifier(source, ref pos);
            Expect(source, ref pos, ',');
            var name = ReadString(source, ref pos);
            Expect(source, ref pos, ',');
            var schema = ReadString(source, ref pos);
            Expect(source, ref pos, ',');
            var grammar = ReadString(source, ref pos);
            cases.Add(new SchemaCase(name, status == "SUCCESS", schema, grammar));
        }

        if (cases.Count == 0 || cases.Select(c => c.Name).Distinct().Count() != cases.Count)
        {
            throw new InvalidDataException("The llama.cpp test file did not have the expected shape.");
        }

        return cases;
    }

    private static void SkipSpace(string s, ref int pos)
    {
        while (pos < s.Length)
        {
            if (char.IsWhiteSpace(s[pos]))
            {
                pos++;
            }
            else if (string.CompareOrdinal(s, pos, "//", 0, 2) == 0)
            {
                pos = s.IndexOf('\n', pos);
            }
            else
            {
                return;
            }
        }
    }

    private static void Expect(string s, ref int pos, char c)
    {
        SkipSpace(s, ref pos);
        if (s[pos] != c)
        {
            throw new InvalidDataException($"Expected '{c}' at {pos}.");
        }

        pos++;
    }

    private static string ReadIdentifier(string s, ref int pos)
    {
        SkipSpace(s, ref pos);
        var start = pos;
        while (char.IsAsciiLetterOrDigit(s[pos]) || s[pos] == '_')
        {
            pos++;
        }

        return s[start..pos];
    }

    // A C++ string literal: R"""( … )""" or "…" with C escapes.
    private static string ReadString(string s, ref int pos)
    {
        SkipSpace(s, ref pos);
        if (string.CompareOrdinal(s, pos, "R\"\"\"(", 0, 5) == 0)
        {
            var end = s.IndexOf(")\"\"\"", pos + 5, StringComparison.Ordinal);
            var value = s[(pos + 5)..end];
            pos = end + 4;
            return value;
        }

        if (s[pos] != '"')
        {
            throw new InvalidDataException($"Expected a string at {pos}.");
        }

        pos++;
        var sb = new StringBuilder();
        while (s[pos] != '"')
        {
            if (s[pos] == '\\')
            {
                pos++;
                sb.Append(s[pos] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => s[pos] });
            }
            else
            {
                sb.Append(s[pos]);
            }

            pos++;
        }

        pos++;
        return sb.ToString();
    }
}
