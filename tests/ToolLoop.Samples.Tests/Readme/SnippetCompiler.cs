using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ToolLoop.Samples.Tests.Readme;

/// <summary>
/// Compiles a README C# block as the top-level program of a new console app (<c>dotnet new console</c>: implicit usings,
/// nullable on) that references the three ToolLoop packages, their runtimes' managed APIs and Microsoft.Extensions.AI.
/// The block must bring its own <c>using ToolLoop…;</c> directives; the hidden prelude declares only the placeholders
/// that stand for the reader's own objects (<c>inner</c>, <c>services</c>, ...).
/// </summary>
internal static class SnippetCompiler
{
    /// <summary>The hidden prelude: the console template's implicit usings and the README's placeholders.</summary>
    public const string Prelude = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using static ReadmePlaceholders;

        // Each stands for an object of the reader's own; a block may declare a local of the same name instead.
        internal static class ReadmePlaceholders
        {
            /// <summary>Any chat client: a hosted model's, or a local runtime's.</summary>
            public static Microsoft.Extensions.AI.IChatClient inner => throw new NotSupportedException();
            /// <summary>A client whose output text contains tool-call markup (a local model, a raw completion endpoint).</summary>
            public static Microsoft.Extensions.AI.IChatClient local => throw new NotSupportedException();
            public static IServiceProvider services => throw new NotSupportedException();
            /// <summary>A model's whole output text.</summary>
            public static string modelText => throw new NotSupportedException();
            /// <summary>A model's output in pieces, as a runtime streams it.</summary>
            public static IEnumerable<string> pieces => throw new NotSupportedException();
            /// <summary>A tool's JSON Schema.</summary>
            public static System.Text.Json.JsonElement schema => throw new NotSupportedException();
            /// <summary>A model's Jinja chat template (from its GGUF or tokenizer_config.json).</summary>
            public static string ggufChatTemplate => throw new NotSupportedException();
            public static List<Microsoft.Extensions.AI.ChatMessage> history => throw new NotSupportedException();
            public static Microsoft.Extensions.AI.AIFunction getWeather => throw new NotSupportedException();
        }
        """;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    /// <summary>The compiler's errors for <paramref name="block"/>, with README line numbers; empty when it compiles.</summary>
    public static IReadOnlyList<string> Errors(ReadmeCodeBlock block)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        // #line maps the block's diagnostics to README.md's own line numbers.
        var code = $"#line {block.Line} \"README.md\"\n{block.Code}\n";
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            [CSharpSyntaxTree.ParseText(Prelude, parse, "prelude.cs"), CSharpSyntaxTree.ParseText(code, parse, "README.md")],
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        return result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
    }

    // The runtime's assemblies and the packages a ToolLoop user adds, from this test's own dependencies; not the test
    // framework, Roslyn or the CLI.
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var runtimeDir = System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string[] packages = ["ToolLoop", "ToolLoop.LlamaCpp", "ToolLoop.Onnx", "LLamaSharp", "Microsoft.ML.OnnxRuntimeGenAI"];
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator);
        return [.. paths
            .Where(p =>
            {
                var name = System.IO.Path.GetFileNameWithoutExtension(p);
                return System.IO.Path.GetDirectoryName(p) == runtimeDir
                    || packages.Contains(name)
                    || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal);
            })
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
