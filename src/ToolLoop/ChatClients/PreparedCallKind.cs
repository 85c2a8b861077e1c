namespace ToolLoop;

/// <summary>What the loop does with a prepared call.</summary>
internal enum PreparedCallKind
{
    /// <summary>Run it.</summary>
    Execute,

    /// <summary>Answer it with <see cref="PreparedCall.Error"/>, never run it.</summary>
    Error,

    /// <summary>Answer it with the earlier identical call's result.</summary>
    Duplicate,

    /// <summary>Answer it with <see cref="PreparedCall.Answer"/> (a rejected or abandoned approval).</summary>
    Answered,

    /// <summary>Ask the caller for approval (a <c>ToolApprovalRequestContent</c> in its place).</summary>
    Approval,

    /// <summary>Hand it to the caller unexecuted (a declaration-only or, with <c>TerminateOnUnknownCalls</c>, unknown tool).</summary>
    Returned,
}
