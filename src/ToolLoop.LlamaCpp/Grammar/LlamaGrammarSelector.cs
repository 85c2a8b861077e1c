using Microsoft.Extensions.Logging;
using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Grammar;

/// <summary>
/// The default grammar of a llama.cpp request (<see cref="LlamaCppChatClientOptions.UseGrammar"/>): the plan of
/// <see cref="ToolCallGrammar"/>, with each trigger word a trigger token when the vocabulary has it as one token (it
/// costs nothing while the grammar waits), else a trigger pattern.
/// </summary>
internal sealed class LlamaGrammarSelector(LlamaModel model, string? chatTemplate, ILogger? logger)
{
    /// <exception cref="ArgumentException">The tool mode requires an undeclared function, or the response schema cannot be converted.</exception>
    public SamplerGrammar? Select(GrammarRequest request)
    {
        var closer = ToolLoopOutputParser.OpenReasoningCloser(request.Prompt.GenerationPrefix);
        var plan = ToolCallGrammar.Plan(request.Format, request.Tools, request.Options, chatTemplate, closer);
        if (plan is null)
        {
            return null;
        }

        if (logger is not null && logger.IsEnabled(LogLevel.Warning))
        {
            foreach (var warning in plan.Warnings)
            {
                logger.Log(LogLevel.Warning, default, warning, null, static (message, _) => "Grammar: " + message);
            }
        }

        if (plan.Gbnf.Length == 0)
        {
            return null;
        }

        if (!plan.Lazy)
        {
            return new SamplerGrammar(plan.Gbnf, plan.Root);
        }

        var tokens = new List<int>();
        var patterns = new List<string>(plan.TriggerPatterns);
        foreach (var word in plan.TriggerWords)
        {
            var ids = model.Tokenize(word, addSpecial: false, parseSpecial: true);
            if (ids.Length == 1 && model.TokenText(ids[0]) == word)
            {
                tokens.Add(ids[0]);
            }
            else
            {
                patterns.Add(GrammarPlan.WordPattern(word));
            }
        }

        return new SamplerGrammar(plan.Gbnf, plan.Root, Lazy: true, TriggerPatterns: patterns, TriggerTokens: tokens);
    }
}
