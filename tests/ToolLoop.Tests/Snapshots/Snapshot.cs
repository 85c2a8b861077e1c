using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ToolLoop.Tests.Snapshots;

/// <summary>
/// A small stand-in for Verify: compares a JSON value with <c>&lt;name&gt;.verified.json</c>. On a mismatch it writes
/// <c>&lt;name&gt;.received.json</c> and fails with a line diff; with <c>TOOLLOOP_ACCEPT=1</c> it accepts the received value.
/// Values are compared as JSON (formatting and key order do not matter).
/// </summary>
public static class Snapshot
{
    public static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static bool Accepting => Environment.GetEnvironmentVariable("TOOLLOOP_ACCEPT") == "1";

    public static void Verify(string verifiedPath, JsonNode actual)
    {
        var receivedPath = verifiedPath.Replace(".verified.json", ".received.json", StringComparison.Ordinal);
        var actualText = actual.ToJsonString(Indented) + "\n";
        JsonNode? expected = null;
        if (File.Exists(verifiedPath))
        {
            expected = JsonNode.Parse(File.ReadAllText(verifiedPath));
            if (JsonNode.DeepEquals(expected, actual))
            {
                File.Delete(receivedPath);
                return;
            }
        }

        if (Accepting)
        {
            File.WriteAllText(verifiedPath, actualText, new UTF8Encoding(false));
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actualText, new UTF8Encoding(false));
        var expectedText = expected is null ? "(no verified file)" : expected.ToJsonString(Indented);
        Assert.Fail($"Snapshot mismatch for {Path.GetFileName(verifiedPath)} (received file written; TOOLLOOP_ACCEPT=1 accepts it):\n{LineDiff(expectedText, actualText.TrimEnd('\n'))}");
    }

    public static string LineDiff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');

        // Longest common subsequence over lines: small files, quadratic is fine.
        var lcs = new int[e.Length + 1, a.Length + 1];
        for (var i = e.Length - 1; i >= 0; i--)
        {
            for (var j = a.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = e[i] == a[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var sb = new StringBuilder();
        int x = 0, y = 0;
        while (x < e.Length || y < a.Length)
        {
            if (x < e.Length && y < a.Length && e[x] == a[y])
            {
                sb.Append("  ").AppendLine(e[x]);
                x++;
                y++;
            }
            else if (y < a.Length && (x == e.Length || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                sb.Append("+ ").AppendLine(a[y++]);
            }
            else
            {
                sb.Append("- ").AppendLine(e[x++]);
            }
        }

        return sb.ToString();
    }
}
