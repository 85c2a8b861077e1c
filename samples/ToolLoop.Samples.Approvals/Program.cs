// Approvals in a console UI: tools wrapped in ApprovalRequiredAIFunction are not run until the user says so.
// The loop ends the response with one ToolApprovalRequestContent per such call; the app asks, and sends the
// answers (approve, or reject with a reason the model is told) in the next request. The loop is stateless:
// everything it needs is in the history.
//
//   dotnet run --project samples/ToolLoop.Samples.Approvals                  asks on the console
//   dotnet run --project samples/ToolLoop.Samples.Approvals -- --auto approve   answers every request (CI)
//   dotnet run --project samples/ToolLoop.Samples.Approvals -- --auto reject
//
// With standard input redirected and no --auto, each answer is read from the next input line ("y", or "n REASON").
using System.ComponentModel;
using Microsoft.Extensions.AI;
using ToolLoop;
using ToolLoop.Samples.Approvals;

string? auto = args is ["--auto", "approve" or "reject"] ? args[1] : null;
if (auto is null && args.Length > 0)
{
    Console.Error.WriteLine("usage: ToolLoop.Samples.Approvals [--auto approve|reject]");
    return 2;
}

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
Console.WriteLine($"you> {history[0].Text}");

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

    // Answer every pending request; the answers go into the history as a user message.
    var answers = new List<AIContent>();
    foreach (var request in response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>())
    {
        var call = (FunctionCallContent)request.ToolCall;
        var (approved, reason) = Ask($"{call.Name}({string.Join(", ", call.Arguments?.Values ?? [])})", auto);
        answers.Add(request.CreateResponse(approved, reason));
    }

    history.Add(new ChatMessage(ChatRole.User, answers));
}

return 0;

static (bool Approved, string? Reason) Ask(string call, string? auto)
{
    if (auto is not null)
    {
        Console.WriteLine($"Approve {call}? {(auto == "approve" ? "y" : "n")} (--auto {auto})");
        return auto == "approve" ? (true, null) : (false, "rejected by --auto reject");
    }

    while (true)
    {
        Console.Write($"Approve {call}? [y/N, or n REASON] ");
        var line = Console.ReadLine();
        if (line is null)
        {
            Console.WriteLine();
            return (false, "no answer (input closed)");
        }

        if (Console.IsInputRedirected)
        {
            Console.WriteLine(line); // echo scripted answers, so the transcript reads like a session
        }

        var answer = line.Trim();
        var word = answer.Split(' ', 2)[0].ToLowerInvariant();
        var reason = answer.Contains(' ', StringComparison.Ordinal) ? answer.Split(' ', 2)[1].Trim() : null;
        switch (word)
        {
            case "y" or "yes":
                return (true, null);
            case "" or "n" or "no":
                return (false, reason);
            default:
                Console.WriteLine("Answer y to run it, or n (optionally followed by a reason) to refuse.");
                break;
        }
    }
}
