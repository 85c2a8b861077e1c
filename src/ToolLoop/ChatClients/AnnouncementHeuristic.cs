namespace ToolLoop;

/// <summary>The default <see cref="ToolLoopOptions.AnnouncementDetector"/>: an English phrase check near the end of the answer.</summary>
internal static class AnnouncementHeuristic
{
    private static readonly string[] s_phrases =
    [
        "i'll ", "i will ", "let me ", "i'm going to ", "i am going to ", "let's ", "i\u2019ll ", "i\u2019m going to ", "i shall ",
    ];

    public static bool LooksLikeAnnouncement(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.EndsWith('?'))
        {
            return false;
        }

        var tail = (trimmed.Length > 300 ? trimmed[^300..] : trimmed).ToLowerInvariant();
        return s_phrases.Any(p => tail.Contains(p, StringComparison.Ordinal));
    }
}
