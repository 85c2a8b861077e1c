using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>A model's call after id assignment, healing and validation, and what the loop decided to do with it.</summary>
internal sealed class PreparedCall(FunctionCallContent original, FunctionCallContent call)
{
    public FunctionCallContent Original { get; } = original;

    /// <summary>The call as the caller and the model see it (its id made unique, its arguments healed).</summary>
    public FunctionCallContent Call { get; } = call;

    public AIFunction? Function { get; init; }

    public string? Error { get; set; }

    public bool ArgumentsInvalid { get; init; }

    public bool HealedByParser { get; init; }

    /// <summary>Empty for a call that cannot run.</summary>
    public CallSignature Signature { get; init; }

    public PreparedCallKind Kind { get; set; }

    public int DuplicateOf { get; set; } = -1;

    public FunctionResultContent? EarlierResult { get; set; }

    public string? EarlierCallId { get; set; }

    /// <summary>The result of a call answered without running (<see cref="PreparedCallKind.Answered"/>).</summary>
    public FunctionResultContent? Answer { get; init; }

    /// <summary>The result of a call that ran (kept for duplicate detection).</summary>
    public FunctionResultContent? Result { get; set; }

    public bool Terminated { get; set; }

    public bool Failed { get; set; }
}
