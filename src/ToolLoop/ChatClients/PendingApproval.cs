using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>An approval request found in the replayed history, with its answer (or none: abandoned) and the slot its result goes into.</summary>
internal sealed class PendingApproval(FunctionCallContent call, ToolApprovalResponseContent? response, List<AIContent> slotList, int slotIndex)
{
    public FunctionCallContent Call { get; } = call;

    public ToolApprovalResponseContent? Response { get; } = response;

    public void Fill(FunctionResultContent result) => slotList[slotIndex] = result;

    public FunctionResultContent Current => (FunctionResultContent)slotList[slotIndex];
}
