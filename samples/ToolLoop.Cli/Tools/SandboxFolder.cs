using System.Text;

namespace ToolLoop.Cli.Tools;

/// <summary>
/// One folder whose files the model may list and read, and nothing outside it: relative paths only, no <c>..</c>
/// segment, and no symbolic link (or junction) anywhere below the root, so neither a path nor a link can lead out.
/// </summary>
/// <remarks>
/// The checks run on every call, against the file system as it is then. A link created inside the folder between the
/// check and the read is the one race left; the folder is the user's own, chosen with <c>--sandbox</c>.
/// </remarks>
internal sealed class SandboxFolder
{
    /// <summary>The most bytes <see cref="ReadFile"/> returns (the rest is cut, and the result says so).</summary>
    public const int MaxReadBytes = 64 * 1024;

    /// <summary>The most entries <see cref="List"/> returns.</summary>
    public const int MaxEntries = 200;

    public SandboxFolder(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"the sandbox folder {full} does not exist");
        }

        // The root itself may be reached through a link (the user chose it); resolve it once so later checks compare real paths.
        Root = Path.TrimEndingDirectorySeparator(new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full);
    }

    /// <summary>The folder's full path.</summary>
    public string Root { get; }

    /// <summary>Lists a folder inside the sandbox: sub-folders end in <c>/</c>.</summary>
    public string List(string path)
    {
        var full = Resolve(string.IsNullOrWhiteSpace(path) ? "." : path);
        if (!Directory.Exists(full))
        {
            throw new ArgumentException($"'{path}' is not a folder inside the sandbox");
        }

        var entries = new DirectoryInfo(full).EnumerateFileSystemInfos()
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => e is DirectoryInfo ? e.Name + "/" : e.Name)
            .Take(MaxEntries + 1)
            .ToList();
        if (entries.Count == 0)
        {
            return "(empty folder)";
        }

        var text = string.Join('\n', entries.Take(MaxEntries));
        return entries.Count > MaxEntries ? text + $"\n(only the first {MaxEntries} entries are listed)" : text;
    }

    /// <summary>Reads a text file inside the sandbox, at most <see cref="MaxReadBytes"/> bytes of it.</summary>
    public string ReadFile(string path)
    {
        var full = Resolve(path);
        if (!File.Exists(full))
        {
            throw new ArgumentException(Directory.Exists(full) ? $"'{path}' is a folder (use list_files)" : $"there is no file '{path}' in the sandbox");
        }

        using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[MaxReadBytes];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (Array.IndexOf(buffer, (byte)0, 0, read) >= 0)
        {
            throw new ArgumentException($"'{path}' is a binary file; only text files can be read");
        }

        var text = new UTF8Encoding(false, false).GetString(buffer, 0, read);
        return stream.Length > read ? text + $"\n(cut after the first {MaxReadBytes} bytes of {stream.Length})" : text;
    }

    /// <summary>The full path of <paramref name="path"/> inside the sandbox; refuses absolute paths, <c>..</c> and links.</summary>
    public string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("the path is empty");
        }

        if (Path.IsPathRooted(path) || path.StartsWith('~'))
        {
            throw new ArgumentException($"'{path}' is not relative to the sandbox folder (absolute paths are refused)");
        }

        var current = Root;
        foreach (var segment in path.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." || segment.Contains(':', StringComparison.Ordinal) || segment.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            {
                throw new ArgumentException($"'{path}' leaves the sandbox folder or is not a plain path ('..' and ':' are refused)");
            }

            current = Path.Combine(current, segment);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw new ArgumentException($"'{path}' goes through a symbolic link, which the sandbox does not follow");
            }
        }

        // Belt and braces: whatever the segments were, the result must lie under the root.
        var full = Path.GetFullPath(current);
        return full == Root || full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{path}' leaves the sandbox folder");
    }
}
