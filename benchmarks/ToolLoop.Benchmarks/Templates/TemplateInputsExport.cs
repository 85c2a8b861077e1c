using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Benchmarks.Templates;

/// <summary>
/// <c>--export-template-inputs DIR</c>: writes, per template, the exact inputs the template benchmarks render (the mapped
/// variables), the clock, the template's path and ToolLoop's output, so <c>benchmarks/jinja2_bench.py</c> times Jinja2 on
/// the same inputs and checks that it renders the same prompt.
/// </summary>
internal static class TemplateInputsExport
{
    public static int Run(string directory, TextWriter log)
    {
        Directory.CreateDirectory(directory);
        var options = BenchmarkConversation.TemplateOptions();
        var cases = new JsonArray();
        foreach (var template in TemplateCase.All)
        {
            var variables = ChatTemplateInputs.Create(BenchmarkConversation.Messages, BenchmarkConversation.Options, options);
            string expected = ChatTemplate.Parse(template.ReadSource()).Render(variables, options);
            cases.Add(new JsonObject
            {
                ["name"] = template.Name,
                ["template"] = template.Path,
                ["context"] = variables.DeepClone(),
                ["expected"] = expected,
            });
        }

        var document = new JsonObject
        {
            ["now"] = BenchmarkConversation.FixedNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
            ["messages"] = BenchmarkConversation.Messages.Count,
            ["tools"] = BenchmarkConversation.Tools.Count,
            ["cases"] = cases,
        };
        string path = Path.Combine(directory, "template-inputs.json");
        File.WriteAllText(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        log.WriteLine($"wrote {path} ({cases.Count} templates)");
        return 0;
    }
}
