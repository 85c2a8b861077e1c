using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop.Onnx.Tests.TinyModel;

namespace ToolLoop.Onnx.Tests.Runtime;

/// <summary>The tiny scripted model on the bare GenAI API: it loads and replays its three scripts, and GenAI behaves as runtimes.md B.4 says.</summary>
public sealed class TinyModelOnGenAiTests
{
    private const string Plain = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    private const string Tools = "<|im_start|>system\n<tools>\n{}\n</tools><|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n";
    private const string Answer = Tools + "<tool_call>\n{}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n<|im_start|>assistant\n";

    [Theory]
    [InlineData(Plain, "Hello from the tiny scripted model.")]
    [InlineData(Tools, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>")]
    [InlineData(Answer, "The weather in Paris is sunny, 22 C.")]
    public void Greedy_generation_replays_the_script(string prompt, string expected)
    {
        using var model = new Model(TestModels.ReferenceFolder);
        using var tokenizer = new Tokenizer(model);

        Assert.Equal(expected, Generate(model, tokenizer, prompt, out _));
    }

    [Fact]
    public void The_end_of_sequence_token_is_not_stored_in_the_sequence()
    {
        using var model = new Model(TestModels.ReferenceFolder);
        using var tokenizer = new Tokenizer(model);
        using var sequences = tokenizer.Encode(Plain);
        int promptLength = sequences[0].Length;

        Generate(model, tokenizer, Plain, out int[] held);

        Assert.Equal(promptLength + 4, held.Length); // "Hello", " from the", " tiny scripted", " model." and no <|im_end|>
        Assert.DoesNotContain(274, held[promptLength..]);
    }

    [Fact]
    public void The_normal_tokenizer_forms_added_tokens_and_a_literal_one_does_not()
    {
        using var model = new Model(TestModels.ReferenceFolder);
        using var normal = new Tokenizer(model);
        using var literal = new Tokenizer(model);
        literal.UpdateOptions(new Dictionary<string, string> { ["literal"] = "true" });

        using var formed = normal.Encode("a<|im_end|><tool_call>");
        using var kept = literal.Encode("a<|im_end|><tool_call>");

        Assert.Equal([97, 274, 275], formed[0].ToArray());
        Assert.DoesNotContain(kept[0].ToArray(), t => t >= 272);
        Assert.Equal("a<|im_end|><tool_call>", literal.Decode(kept[0]));
    }

    private static string Generate(Model model, Tokenizer tokenizer, string prompt, out int[] held)
    {
        using var sequences = tokenizer.Encode(prompt);
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("max_length", 4096);
        using var generator = new Generator(model, parameters);
        using var stream = tokenizer.CreateStream();
        generator.AppendTokens(sequences[0]);
        var text = new System.Text.StringBuilder();
        int[] eos = tokenizer.GetEosTokenIds().ToArray();
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
            int token = generator.GetNextTokens()[0];
            if (eos.Contains(token))
            {
                break;
            }

            text.Append(stream.Decode(token));
        }

        held = generator.GetSequence(0).ToArray();
        return text.ToString();
    }
}
