using System.Text;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace ToolLoop.Benchmarks.Adapters;

/// <summary>
/// The ONNX baseline for the adapter: a tight loop over the same GenAI calls <c>ToolLoop.Onnx</c> makes — one
/// long-lived greedy <see cref="Generator"/>, the prompt appended after its longest common prefix with the generator's
/// sequence (<c>RewindTo</c>), <c>GenerateNextToken</c>, the end-of-sequence check, a <see cref="TokenizerStream"/>
/// for the text — with no rendering, literal tokenizing, parsing or chat-client layer. One generator, like one client.
/// </summary>
internal sealed class GenAINativeLoop : INativeLoop
{
    private readonly Tokenizer _tokenizer;
    private readonly GeneratorParams _parameters;
    private readonly Generator _generator;
    private readonly int[] _endOfSequence;

    public GenAINativeLoop(Model model, int contextSize)
    {
        _tokenizer = new Tokenizer(model);
        _endOfSequence = _tokenizer.GetEosTokenIds().ToArray();
        _parameters = new GeneratorParams(model);
        _parameters.SetSearchOption("max_length", contextSize);
        _parameters.SetSearchOption("num_beams", 1);
        _parameters.SetSearchOption("num_return_sequences", 1);
        _parameters.SetSearchOption("do_sample", false);
        _generator = new Generator(model, _parameters);
    }

    public int[] Tokenize(string text)
    {
        using var sequences = _tokenizer.Encode(text);
        return sequences[0].ToArray();
    }

    /// <summary>Renders HF-shaped messages (a JSON array) with GenAI's own template engine and the model's template, as Microsoft's client does.</summary>
    public string ApplyChatTemplate(string messagesJson) => _tokenizer.ApplyChatTemplate(null, messagesJson, null, add_generation_prompt: true);

    /// <summary>Appends the prompt after its common prefix with the generator's own sequence (<c>RewindTo</c>).</summary>
    public int Prefill(int[] prompt)
    {
        var held = _generator.GetSequence(0);
        int common = INativeLoop.Reusable(held, prompt);
        if (common < held.Length)
        {
            _generator.RewindTo((ulong)common);
        }

        _generator.AppendTokens(prompt.AsSpan(common));
        return prompt.Length - common;
    }

    /// <summary>Generates greedily; the end-of-sequence token is not decoded (GenAI does not store it).</summary>
    public int Generate(int maxTokens, StringBuilder text)
    {
        using var stream = _tokenizer.CreateStream();
        for (int n = 0; n < maxTokens; n++)
        {
            _generator.GenerateNextToken();
            int token = _generator.GetNextTokens()[0];
            if (Array.IndexOf(_endOfSequence, token) >= 0)
            {
                return n;
            }

            text.Append(stream.Decode(token));
        }

        return maxTokens;
    }

    public void Dispose()
    {
        _generator.Dispose();
        _parameters.Dispose();
        _tokenizer.Dispose();
    }
}
