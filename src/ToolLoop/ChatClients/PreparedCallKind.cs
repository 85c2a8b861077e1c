namespace ToolLoop;

/// <summary>What the loop does with a prepared call.</summary>
internal enum PreparedCallKind
{
    Execute,
    Error,
    Duplicate,
    Approval,
}
