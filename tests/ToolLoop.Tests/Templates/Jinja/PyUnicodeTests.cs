using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace ToolLoop.Tests.Templates.Jinja;

/// <summary>
/// ToolLoop's copy of Python's Unicode database (PyUnicode.Tables.g.cs) against the Python the tests run with:
/// the generated file must be what its script writes, and every code point's case mappings and properties,
/// as ToolLoop computes them, must equal Python's str methods.
/// </summary>
public sealed class PyUnicodeTests
{
    private const string DigestScript = """
        import hashlib, sys, unicodedata
        h = hashlib.sha256()
        for cp in range(0x110000):
            if 0xD800 <= cp <= 0xDFFF:
                continue
            c = chr(cp)
            # The sigma probes exercise Final_Sigma: Cased and Case_Ignorable around a capital sigma.
            line = "%x|%s|%s|%s|%s|%s|%s|%s|%s|%d%d%d%d%d%d%d%d%d%d\n" % (cp, c.lower(), c.upper(), c.title(), c.casefold(), c.swapcase(), c.capitalize(),
                ("A\u03a3" + c + "B").lower(), (" " + c + "\u03a3").lower(),
                c.islower(), c.isupper(), c.istitle(), c.isalpha(), c.isdecimal(), c.isdigit(), c.isnumeric(), c.isalnum(), c.isspace(), c.isprintable())
            h.update(line.encode("utf-8", "surrogatepass"))
        print(unicodedata.unidata_version, h.hexdigest())
        """;

    [Fact]
    public void Generated_tables_are_what_the_script_writes()
    {
        string python = RequirePython();
        string folder = Path.Combine(TestPaths.Root, "src", "ToolLoop", "Templates", "Jinja");
        string generated = RunPython(python, [Path.Combine(folder, "PyUnicodeTables.py")], folder);
        string committed = File.ReadAllText(Path.Combine(folder, "PyUnicode.Tables.g.cs"));
        Assert.True(generated == committed, "PyUnicode.Tables.g.cs differs from what PyUnicodeTables.py writes with this Python: regenerate it.");
    }

    [Fact]
    public void Every_code_point_maps_like_Python()
    {
        string python = RequirePython();
        string[] expected = RunPython(python, ["-c", DigestScript], TestPaths.Root).Trim().Split(' ');
        Assert.True(expected[0] == PyUnicode.UnicodeVersion, $"the tables hold Unicode {PyUnicode.UnicodeVersion}, this Python has {expected[0]}");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        for (int cp = 0; cp < 0x110000; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF)
            {
                continue;
            }

            string c = char.ConvertFromUtf32(cp);
            line.Clear();
            line.Append(cp.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append('|')
                .Append(PyUnicode.Lower(c)).Append('|').Append(PyUnicode.Upper(c)).Append('|').Append(PyUnicode.Title(c)).Append('|')
                .Append(PyUnicode.CaseFold(c)).Append('|').Append(PyUnicode.SwapCase(c)).Append('|').Append(PyUnicode.Capitalize(c)).Append('|')
                .Append(PyUnicode.Lower("AΣ" + c + "B")).Append('|').Append(PyUnicode.Lower(" " + c + "Σ")).Append('|')
                .Append(Bit(PyUnicode.StrIsLower(c))).Append(Bit(PyUnicode.StrIsUpper(c))).Append(Bit(PyUnicode.StrIsTitle(c)))
                .Append(Bit(PyUnicode.All(c, PyUnicode.IsAlpha))).Append(Bit(PyUnicode.All(c, PyUnicode.IsDecimal)))
                .Append(Bit(PyUnicode.All(c, PyUnicode.IsDigit))).Append(Bit(PyUnicode.All(c, PyUnicode.IsNumeric)))
                .Append(Bit(PyUnicode.All(c, PyUnicode.IsAlnum))).Append(Bit(PyUnicode.All(c, PyUnicode.IsSpace)))
                .Append(Bit(PyUnicode.IsPrintable(cp))).Append('\n');
            hash.AppendData(Encoding.UTF8.GetBytes(line.ToString()));
        }

        Assert.Equal(expected[1], Convert.ToHexStringLower(hash.GetHashAndReset()));

        static char Bit(bool b) => b ? '1' : '0';
    }

    [Theory]
    [InlineData("İstanbul", "i̇stanbul")]
    [InlineData("ΣΑΣ ΟΔΟΣ.", "σας οδος.")]
    [InlineData("Σ", "σ")]
    [InlineData("AΣ'B", "aσ'b")]
    [InlineData("AΣ'", "aς'")]
    public void Lower_follows_full_mapping_and_final_sigma(string input, string expected)
    {
        Assert.Equal(expected, PyUnicode.Lower(input));
    }

    [Theory]
    [InlineData("ß", "SS", "Ss", "SS")]
    [InlineData("ǆ", "Ǆ", "ǅ", "Ǆ")]
    [InlineData("ﬁ", "FI", "Fi", "FI")]
    public void Upper_title_and_swapcase_use_full_mappings(string input, string upper, string title, string swapped)
    {
        Assert.Equal(upper, PyUnicode.Upper(input));
        Assert.Equal(title, PyUnicode.Title(input));
        Assert.Equal(swapped, PyUnicode.SwapCase(input));
    }

    [Fact]
    public void Strings_order_by_code_point()
    {
        // UTF-16 order puts U+1D465 (a surrogate pair, D835 DC65) before U+FF51; Python puts it after.
        Assert.True(PyUnicode.CompareCodePoints("ｑ", "𝑥") < 0);
        Assert.True(string.CompareOrdinal("ｑ", "𝑥") > 0);
        Assert.True(PyUnicode.CompareCodePoints("\uFFFF", "\U00010000") < 0);
        Assert.True(PyUnicode.CompareCodePoints("ab", "abc") < 0);
        Assert.Equal(0, PyUnicode.CompareCodePoints("𝑥", "𝑥"));
    }

    private static string RequirePython()
    {
        string? python = Environment.GetEnvironmentVariable("TOOLLOOP_PYTHON");
        if (string.IsNullOrEmpty(python) || !File.Exists(python))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("TOOLLOOP_PYTHON is not set in CI: .ci/run must eval \"$(bash eng/fetch-deps.sh)\" first.");
            }

            Assert.Skip("Python not available: run `eval \"$(bash eng/fetch-deps.sh)\"` (sets TOOLLOOP_PYTHON), then run the tests again.");
        }

        return python;
    }

    private static string RunPython(string python, string[] args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(python, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory,
        };
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + python);
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, "python failed: " + stderr.GetAwaiter().GetResult());
        return stdout;
    }
}
