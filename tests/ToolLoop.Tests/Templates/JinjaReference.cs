using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Templates;

/// <summary>Runs jinja_reference.py (Python's Jinja2 configured like transformers) over a batch of cases in one process.</summary>
internal static class JinjaReference
{
    /// <summary>One case's outcome; <paramref name="UnsandboxedOutput"/> is set when only the sandbox refused it.</summary>
    public sealed record Result(string Id, bool Ok, string? Output, string? Kind, string? Error, string? UnsandboxedOutput = null);

    public static string ScriptPath()
    {
        // The script lives next to this file in the source tree; walk up from the test binaries to find it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "ToolLoop.Tests", "Templates", "jinja_reference.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }

            candidate = Path.Combine(dir.FullName, "Templates", "jinja_reference.py");
            if (File.Exists(candidate) && dir.Name == "ToolLoop.Tests")
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("jinja_reference.py not found above " + AppContext.BaseDirectory);
    }

    public static Dictionary<string, Result> Run(string python, DateTime now, IEnumerable<(string Id, string TemplatePath, JsonObject Context)> cases)
    {
        var request = new JsonObject
        {
            ["now"] = now.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["template"] = c.TemplatePath,
                ["context"] = c.Context.DeepClone(),
            })]),
        };
        var psi = new ProcessStartInfo(python, [ScriptPath()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + python);
        var stderrTask = process.StandardError.ReadToEndAsync();
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        string stdout = stdoutTask.GetAwaiter().GetResult();
        string stderr = stderrTask.GetAwaiter().GetResult();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"jinja_reference.py exited with {process.ExitCode}: {stderr}");
        }

        var results = new Dictionary<string, Result>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string id = root.GetProperty("id").GetString()!;
            bool ok = root.GetProperty("ok").GetBoolean();
            results[id] = new Result(
                id,
                ok,
                ok ? root.GetProperty("output").GetString() : null,
                ok ? null : root.GetProperty("kind").GetString(),
                ok ? null : root.GetProperty("error").GetString(),
                root.TryGetProperty("unsandboxed_output", out var unsandboxed) ? unsandboxed.GetString() : null);
        }

        return results;
    }
}
