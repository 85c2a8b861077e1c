using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>The options of one request: the client's <see cref="ToolLoopOptions"/> with per-request overrides applied.</summary>
internal sealed class ToolLoopSettings
{
    public int MaximumIterations { get; private init; }

    public int MaximumConsecutiveErrors { get; private init; }

    public int MaximumDuplicateCalls { get; private init; }

    public int MaximumTotalCalls { get; private init; }

    public int MaximumCallsPerRound { get; private init; }

    public bool AllowConcurrentInvocation { get; private init; }

    public bool IncludeDetailedErrors { get; private init; }

    public int MaximumAnnouncementReprompts { get; private init; }

    public TimeSpan? ToolTimeout { get; private init; }

    public int? MaximumToolResultLength { get; private init; }

    public int MaximumContextOverflowRetries { get; private init; }

    public static ToolLoopSettings Create(ToolLoopOptions options, ChatOptions? chatOptions)
    {
        var p = chatOptions?.AdditionalProperties;
        if (p is null && options.Settings is { } cached)
        {
            return cached;
        }

        return new ToolLoopSettings
        {
            MaximumIterations = Int(p, ToolLoopPropertyNames.MaximumIterations) ?? options.MaximumIterations,
            MaximumConsecutiveErrors = Int(p, ToolLoopPropertyNames.MaximumConsecutiveErrors) ?? options.MaximumConsecutiveErrors,
            MaximumDuplicateCalls = Int(p, ToolLoopPropertyNames.MaximumDuplicateCalls) ?? options.MaximumDuplicateCalls,
            MaximumTotalCalls = Int(p, ToolLoopPropertyNames.MaximumTotalCalls) ?? options.MaximumTotalCalls,
            MaximumCallsPerRound = Int(p, ToolLoopPropertyNames.MaximumCallsPerRound) ?? options.MaximumCallsPerRound,
            AllowConcurrentInvocation = Bool(p, ToolLoopPropertyNames.AllowConcurrentInvocation) ?? options.AllowConcurrentInvocation,
            IncludeDetailedErrors = Bool(p, ToolLoopPropertyNames.IncludeDetailedErrors) ?? options.IncludeDetailedErrors,
            MaximumAnnouncementReprompts = Int(p, ToolLoopPropertyNames.MaximumAnnouncementReprompts) ?? options.MaximumAnnouncementReprompts,
            ToolTimeout = Time(p, ToolLoopPropertyNames.ToolTimeout) ?? options.ToolTimeout,
            MaximumToolResultLength = Int(p, ToolLoopPropertyNames.MaximumToolResultLength) is { } cap ? (cap > 0 ? cap : null) : options.MaximumToolResultLength,
            MaximumContextOverflowRetries = options.MaximumContextOverflowRetries,
        };
    }

    /// <summary>A copy of <paramref name="chatOptions"/> without ToolLoop's own keys, for the inner client.</summary>
    public static ChatOptions? StripOwnKeys(ChatOptions? chatOptions)
    {
        if (chatOptions?.AdditionalProperties is not { } p || !p.Keys.Any(IsOwnKey))
        {
            return chatOptions;
        }

        var clone = chatOptions.Clone();
        var stripped = new AdditionalPropertiesDictionary();
        foreach (var pair in p)
        {
            if (!IsOwnKey(pair.Key))
            {
                stripped[pair.Key] = pair.Value;
            }
        }

        clone.AdditionalProperties = stripped.Count == 0 ? null : stripped;
        return clone;
    }

    private static bool IsOwnKey(string key) => key.StartsWith("toolloop.", StringComparison.Ordinal);

    private static int? Int(AdditionalPropertiesDictionary? p, string key) => p is null || !p.TryGetValue(key, out var v) ? null : v switch
    {
        int i => i,
        long l => checked((int)l),
        double d when d == Math.Floor(d) => (int)d,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt32(out var i) => i,
        JsonElement { ValueKind: JsonValueKind.String } e when int.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be an integer.", nameof(p)),
    };

    private static bool? Bool(AdditionalPropertiesDictionary? p, string key) => p is null || !p.TryGetValue(key, out var v) ? null : v switch
    {
        bool b => b,
        string s when bool.TryParse(s, out var b) => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a boolean.", nameof(p)),
    };

    private static TimeSpan? Time(AdditionalPropertiesDictionary? p, string key) => p is null || !p.TryGetValue(key, out var v) ? null : v switch
    {
        TimeSpan t => t,
        int i => TimeSpan.FromSeconds(i),
        long l => TimeSpan.FromSeconds(l),
        double d => TimeSpan.FromSeconds(d),
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => TimeSpan.FromSeconds(d),
        string s when TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) => t,
        JsonElement { ValueKind: JsonValueKind.Number } e => TimeSpan.FromSeconds(e.GetDouble()),
        _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a TimeSpan or a number of seconds.", nameof(p)),
    };
}
