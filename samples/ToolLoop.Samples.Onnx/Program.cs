// An ONNX Runtime GenAI model folder (genai_config.json, model.onnx, tokenizer files) as an IChatClient with real tool
// calling: OnnxGenAIChatClient renders the folder's chat template with the tools, encodes message content as text
// (never as special tokens), reuses the KV cache across the loop's rounds, and parses the tool-call markup.
//
//   dotnet run --project samples/ToolLoop.Samples.Onnx -- path/to/model-folder
//   dotnet run --project samples/ToolLoop.Samples.Onnx          (no folder: the tiny scripted model of the tests)
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop;
using ToolLoop.Onnx;
using ToolLoop.TinyModels;

var folder = args.Length > 0 ? args[0] : WriteTinyModel();

// The application owns GenAI's process-wide lifetime: one OgaHandle, disposed after every GenAI object.
using var genAI = new OgaHandle();
using (var local = new OnnxGenAIChatClient(folder))
{
    IChatClient agent = local.AsToolLoop();
    Console.WriteLine($"model: {local.Metadata.DefaultModelId}, tool calls in the {ToolCallFormats.GetName(local.ToolCallFormat)} format");

    var weather = AIFunctionFactory.Create(
        (string city) => $"{city}: sunny, 22 C",
        "get_weather",
        "Gets the current weather for a city.");
    var response = await agent.GetResponseAsync("What's the weather in Paris?", new ChatOptions { Tools = [weather] });

    foreach (var content in response.Messages.SelectMany(m => m.Contents))
    {
        switch (content)
        {
            case FunctionCallContent call:
                Console.WriteLine($"  -> {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})");
                break;
            case FunctionResultContent result:
                Console.WriteLine($"  <- {result.Result}");
                break;
        }
    }

    Console.WriteLine(response.Text);
    Console.WriteLine($"stop reason: {response.AdditionalProperties?[ToolLoopPropertyNames.StopReason]}; " +
        $"KV cache: {local.Statistics.PromptTokensReused} of {local.Statistics.PromptTokens} prompt tokens reused in the last request");
}

return 0;

// The tiny scripted model: calls get_weather(Paris) when tools are declared and answers once the result is in the
// prompt. It exercises GenAI's real pipeline (tokenizer, generator, KV cache), not model quality.
static string WriteTinyModel()
{
    var directory = Path.Combine(Path.GetTempPath(), $"toolloop-sample-onnx-{Environment.ProcessId}");
    TinyGenAiModel.Write(TinyGenAiRecipe.Reference, directory);
    Console.WriteLine($"(no model folder given: wrote the tiny scripted model to {directory})");
    return directory;
}
