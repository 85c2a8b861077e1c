using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>A model's call after id assignment, healing and validation, and what the loop decided to do with it.</summary>
internal sealed class PreparedCall(FunctionCallContent original, FunctionCallContent call)
{
    public FunctionCallContent Original { get; } = original;

    public FunctionCallContent Call { get; } = call;

    public AIFunction? Function { get; init; }

    public string? Error { get; set; }

    public bool ArgumentsInvalid { get; init; }

    public bool HealedByParser { get; init; }

    public bool NeedsApproval { get; init; }

    public string Signature { get; init; } = string.Empty;

    public PreparedCallKind Kind { get; set; }

    public int DuplicateOf { get; set; } = -1;

    public FunctionResultContent? EarlierResult { get; set; }

    public string? EarlierCallId { get; set; }

    public bool Terminated { get; set; }

    public bool Failed { get; set; }
}
