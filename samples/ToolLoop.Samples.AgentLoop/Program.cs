using System.ComponentModel;
using Microsoft.Extensions.AI;
using ToolLoop;
using ToolLoop.Samples.AgentLoop;

// Two tools: one runs freely, the other needs the user's approval.
var getWeather = AIFunctionFactory.Create(
    ([Description("The city")] string city) => $"{city}: 11 °C, light rain.",
    "get_weather",
    "Gets the current weather for a city.");
var deleteFile = new ApprovalRequiredAIFunction(AIFunctionFactory.Create(
    ([Description("The file to delete")] string path) => $"Deleted {path}.",
    "delete_file",
    "Deletes a file."));

// The model writes tool calls as text (Hermes markup): the loop reads them itself and runs them.
// The same with the parser spelled out: .UseToolLoop(...).UseToolCallParsing(ToolCallFormat.Hermes), in that order.
using var agent = new FakeLocalModel()
    .AsBuilder()
    .UseToolLoop(o =>
    {
        o.MaximumIterations = 5;
        o.TextToolCalls = ToolCallFormat.Hermes;
    })
    .Build();

var options = new ChatOptions { Tools = [getWeather, deleteFile] };
List<ChatMessage> history = [new(ChatRole.User, "What's the weather in Bergen? Also delete the forecast cache.")];

while (true)
{
    var updates = new List<ChatResponseUpdate>();
    await foreach (var update in agent.GetStreamingResponseAsync(history, options))
    {
        updates.Add(update);
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent text when text.AdditionalProperties?.ContainsKey(ToolLoopPropertyNames.Notice) == true:
                    Console.WriteLine($"\n  [loop] {text.Text}"); // written by the loop, not the model
                    break;
                case TextContent text:
                    Console.Write(text.Text);
                    break;
                case FunctionCallContent call:
                    Console.WriteLine($"\n  -> {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])}) [{call.CallId}]");
                    break;
                case FunctionResultContent result:
                    Console.WriteLine($"  <- {result.Result} [{result.CallId}]");
                    break;
            }
        }
    }

    var response = updates.ToChatResponse();
    history.AddRange(response.Messages);
    var stopReason = response.AdditionalProperties?[ToolLoopPropertyNames.StopReason] as string;
    Console.WriteLine($"\n[stop reason: {stopReason}]");
    if (stopReason != ToolLoopStopReasons.ApprovalPending)
    {
        break;
    }

    // The loop is stateless: the approval requests are in the history; answer them in the next request.
    var answers = new List<AIContent>();
    foreach (var request in response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>())
    {
        var call = (FunctionCallContent)request.ToolCall;
        Console.WriteLine($"Approve {call.Name}({string.Join(", ", call.Arguments?.Values ?? [])})? [y/N] y");
        answers.Add(request.CreateResponse(approved: true, reason: null));
    }

    history.Add(new ChatMessage(ChatRole.User, answers));
}
