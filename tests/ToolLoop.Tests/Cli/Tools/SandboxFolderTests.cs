using ToolLoop.Cli.Tools;

namespace ToolLoop.Tests.Cli.Tools;

/// <summary>The file tools' sandbox: what is inside can be read; no path, <c>..</c> or link leads outside.</summary>
public sealed class SandboxFolderTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("toolloop-outside-").FullName;
    private readonly string _root = Directory.CreateTempSubdirectory("toolloop-sandbox-").FullName;

    public SandboxFolderTests()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside secret");
        Directory.CreateDirectory(Path.Combine(_root, "notes"));
        File.WriteAllText(Path.Combine(_root, "notes", "todo.txt"), "buy milk");
        File.WriteAllText(Path.Combine(_root, "readme.md"), "hello");
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }

    [Theory]
    [InlineData("notes/todo.txt")]
    [InlineData("./notes/./todo.txt")]
    [InlineData("notes//todo.txt")]
    [InlineData("notes\\todo.txt")]
    public void Reads_files_inside(string path)
        => Assert.Equal("buy milk", new SandboxFolder(_root).ReadFile(path));

    [Fact]
    public void Lists_folders_with_a_trailing_slash()
    {
        var sandbox = new SandboxFolder(_root);
        Assert.Equal("notes/\nreadme.md", sandbox.List("."));
        Assert.Equal("todo.txt", sandbox.List("notes"));
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("notes/../../secret.txt")]
    [InlineData("notes/../readme.md")]
    [InlineData("..")]
    [InlineData("~/secret.txt")]
    [InlineData("C:secret.txt")]
    [InlineData("")]
    public void Refuses_paths_that_climb_or_are_not_plain(string path)
        => Assert.Throws<ArgumentException>(() => new SandboxFolder(_root).ReadFile(path));

    [Fact]
    public void Refuses_absolute_paths_even_to_files_inside()
    {
        var sandbox = new SandboxFolder(_root);
        Assert.Contains("absolute", Assert.Throws<ArgumentException>(() => sandbox.ReadFile(Path.Combine(_root, "readme.md"))).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => sandbox.ReadFile(Path.Combine(_outside, "secret.txt")));
        Assert.Throws<ArgumentException>(() => sandbox.List(_outside));
    }

    [Fact]
    public void Does_not_follow_links_to_files_or_folders_outside_or_inside()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "link.txt"), Path.Combine(_outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "out"), _outside);
        Directory.CreateSymbolicLink(Path.Combine(_root, "notes", "up"), _root);
        File.CreateSymbolicLink(Path.Combine(_root, "dangling"), Path.Combine(_outside, "missing.txt"));
        var sandbox = new SandboxFolder(_root);

        Assert.Contains("symbolic link", Assert.Throws<ArgumentException>(() => sandbox.ReadFile("link.txt")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => sandbox.ReadFile("out/secret.txt"));
        Assert.Throws<ArgumentException>(() => sandbox.List("out"));
        Assert.Throws<ArgumentException>(() => sandbox.ReadFile("notes/up/readme.md"));
        Assert.Throws<ArgumentException>(() => sandbox.ReadFile("dangling"));
    }

    [Fact]
    public void A_root_reached_through_a_link_works_and_still_confines()
    {
        var alias = Path.Combine(_outside, "alias");
        Directory.CreateSymbolicLink(alias, _root);
        var sandbox = new SandboxFolder(alias);
        Assert.Equal("hello", sandbox.ReadFile("readme.md"));
        Assert.Throws<ArgumentException>(() => sandbox.ReadFile("../secret.txt"));
    }

    [Fact]
    public void Cuts_long_files_and_refuses_binary_ones()
    {
        File.WriteAllText(Path.Combine(_root, "big.txt"), new string('a', SandboxFolder.MaxReadBytes + 10));
        File.WriteAllBytes(Path.Combine(_root, "blob.bin"), [1, 2, 0, 3]);
        var sandbox = new SandboxFolder(_root);

        var text = sandbox.ReadFile("big.txt");
        Assert.StartsWith(new string('a', SandboxFolder.MaxReadBytes), text, StringComparison.Ordinal);
        Assert.EndsWith($"(cut after the first {SandboxFolder.MaxReadBytes} bytes of {SandboxFolder.MaxReadBytes + 10})", text, StringComparison.Ordinal);
        Assert.Contains("binary", Assert.Throws<ArgumentException>(() => sandbox.ReadFile("blob.bin")).Message, StringComparison.Ordinal);
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => sandbox.ReadFile("notes")).Message, StringComparison.Ordinal);
        Assert.Contains("no file", Assert.Throws<ArgumentException>(() => sandbox.ReadFile("nope.txt")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_root_is_refused()
        => Assert.Throws<DirectoryNotFoundException>(() => new SandboxFolder(Path.Combine(_outside, "missing")));
}
