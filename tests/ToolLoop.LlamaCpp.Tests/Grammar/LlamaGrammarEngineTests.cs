using System.Text.Json;
using Microsoft.Extensions.AI;
using ToolLoop.LlamaCpp.Grammar;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Tests.Grammar;

/// <summary>
/// The grammars on llama.cpp itself (LLamaSharp.Backend.Cpu's natives): llama.cpp parses every grammar we write, and
/// its engine accepts exactly the texts the test recognizer accepts; lazy grammars wake at their triggers.
/// </summary>
[Collection(LlamaRuntimeGroup.Name)]
public sealed class LlamaGrammarEngineTests
{
    private static IEnumerable<(string Name, string Gbnf, string Root)> AllGrammars()
    {
        foreach (var c in LlamaSchemaTestCases.All.Where(c => c.ExpectSuccess))
        {
            using var doc = JsonDocument.Parse(c.Schema);
            if (!c.ExpectedGrammar.Contains("\\-", StringComparison.Ordinal))
            {
                yield return ("llama.cpp expects: " + c.Name, c.ExpectedGrammar, "root");
            }

            yield return ("ours: " + c.Name, SchemaGrammarConverter.Convert(doc.RootElement), "root");
        }

        foreach (var e in SchemaLanguageCorpus.All)
        {
            using var doc = JsonDocument.Parse(e.Schema);
            yield return ("corpus: " + e.Name, SchemaGrammarConverter.Convert(doc.RootElement), "root");
        }

        foreach (var family in ToolCallGrammarTests.Families())
        {
            var lazy = ToolCallGrammarTests.Plan(family.Data);
            yield return (family.Data + " lazy", lazy.Gbnf, lazy.Root);
            var required = ToolCallGrammarTests.Plan(family.Data, new ChatOptions { Tools = [.. ToolCallGrammarTests.Tools], ToolMode = ChatToolMode.RequireAny }, closer: "</think>");
            yield return (family.Data + " required", required.Gbnf, required.Root);
        }
    }

    [Fact]
    public void Llama_cpp_parses_every_grammar_llama_cpp_expects_and_every_grammar_we_write()
    {
        _ = LlamaSchemaTestCases.SourcePath;
        var count = 0;
        foreach (var (name, gbnf, root) in AllGrammars())
        {
            try
            {
                LlamaGrammarEngine.Parse(gbnf, root);
            }
            catch (LlamaCppException ex)
            {
                Assert.Fail($"llama.cpp refuses the grammar of {name}: {ex.Message}\n{string.Join("\n", ex.NativeLog)}\n{gbnf}");
            }

            count++;
        }

        Assert.True(count > 200, count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_runtime_refuses_the_hyphen_escape_newer_llama_cpp_writes_so_we_do_not_write_it()
    {
        _ = LlamaSchemaTestCases.SourcePath;
        var withEscape = LlamaSchemaTestCases.All.Where(c => c.ExpectSuccess && c.ExpectedGrammar.Contains("\\-", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(withEscape);
        foreach (var c in withEscape)
        {
            Assert.Throws<LlamaCppException>(() => LlamaGrammarEngine.Parse(c.ExpectedGrammar));
        }

        LlamaGrammarEngine.Parse("root ::= [a-z\\x2D]+");
    }

    [Theory]
    [InlineData("root ::= \"a\" undefined-rule")]
    [InlineData("root ::= (\"a\"")]
    [InlineData("root ::= root \"a\"")]
    [InlineData("other ::= \"a\"")]
    public void A_grammar_llama_cpp_refuses_is_an_error(string gbnf)
    {
        Assert.Throws<LlamaCppException>(() => LlamaGrammarEngine.Parse(gbnf));
    }

    [Theory]
    [MemberData(nameof(SchemaLanguageTests.Names), MemberType = typeof(SchemaLanguageTests))]
    public void Llama_cpp_agrees_with_the_recognizer_on_the_labelled_texts(string name)
    {
        var entry = SchemaLanguageCorpus.All.Single(e => e.Name == name);
        using var doc = JsonDocument.Parse(entry.Schema);
        var gbnf = SchemaGrammarConverter.Convert(doc.RootElement);
        var recognizer = GbnfRecognizer.Parse(gbnf);
        foreach (var text in entry.Accept.Concat(entry.Reject).Concat(entry.Narrower ?? []).Concat(entry.Wider ?? []))
        {
            Assert.True(recognizer.Accepts(text) == LlamaGrammarEngine.Accepts(gbnf, text), $"llama.cpp and the recognizer disagree on {text}");
        }
    }

    [Theory]
    [MemberData(nameof(ToolCallGrammarTests.Texts), MemberType = typeof(ToolCallGrammarTests))]
    public void Llama_cpp_agrees_on_the_call_texts(string family, string text, bool accepted)
    {
        var plan = ToolCallGrammarTests.Plan(family);
        Assert.Equal(accepted, LlamaGrammarEngine.Accepts(plan.Gbnf, text, plan.Root));
    }

    [Theory]
    [MemberData(nameof(ToolCallGrammarTests.Families), MemberType = typeof(ToolCallGrammarTests))]
    public void Llama_cpp_accepts_every_sampled_call(string family)
    {
        var plan = ToolCallGrammarTests.Plan(family);
        var recognizer = GbnfRecognizer.Parse(plan.Gbnf);
        var random = new Random(family.Length);
        for (var i = 0; i < 40; i++)
        {
            var text = recognizer.Sample(random, plan.Root);
            Assert.True(LlamaGrammarEngine.Accepts(plan.Gbnf, text, plan.Root), JsonSerializer.Serialize(text));
        }
    }

    [Theory]
    [MemberData(nameof(ToolCallGrammarTests.Families), MemberType = typeof(ToolCallGrammarTests))]
    public void A_lazy_grammar_lets_prose_through_then_constrains_from_its_trigger(string family)
    {
        var plan = ToolCallGrammarTests.Plan(family);
        var recognizer = GbnfRecognizer.Parse(plan.Gbnf);
        var call = recognizer.Sample(new Random(5), plan.Root);
        var patterns = plan.TriggerWords.Select(GrammarPlan.WordPattern).Concat(plan.TriggerPatterns).ToList();
        var grammar = new SamplerGrammar(plan.Gbnf, plan.Root, Lazy: true, TriggerPatterns: patterns);

        // Llama 3's JSON call counts only at the start of the output; the other families' markers anywhere.
        var prose = family == "llama3" && !call.StartsWith("<|python_tag|>", StringComparison.Ordinal) ? "" : "Let me check that for you.\n";
        Assert.True(LlamaGrammarEngine.Feed(grammar, prose + call, out _), JsonSerializer.Serialize(prose + call));
        Assert.True(LlamaGrammarEngine.Feed(grammar, "Just prose, no call: {\"a\": 1} [x] <b>.", out _));

        // After the trigger only the call may follow: a wrong name stops at its first wrong byte.
        var wrong = call.Replace("get_weather", "get_wXather", StringComparison.Ordinal).Replace("add", "adX", StringComparison.Ordinal)
            .Replace("note", "noXe", StringComparison.Ordinal).Replace("ping", "piXg", StringComparison.Ordinal);
        Assert.False(LlamaGrammarEngine.Feed(grammar, prose + wrong, out var allowed), JsonSerializer.Serialize(prose + wrong));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(prose + wrong[..wrong.IndexOf('X', StringComparison.Ordinal)]), allowed);
    }
}
