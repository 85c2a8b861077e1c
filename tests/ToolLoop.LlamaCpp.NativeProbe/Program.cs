using LLama.Native;
using ToolLoop.LlamaCpp;

// Each mode prints what happened, one line per attempt, and exits 0; a crash shows as the process's exit code.
switch (args.FirstOrDefault())
{
    case "load":
        // Loads llama.cpp (from args[1] when given) twice, so the caller sees both the first and the repeated failure.
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            try
            {
                LlamaCppRuntime.Initialize(args.Length > 1 ? args[1] : null);
                Console.WriteLine($"{attempt}: loaded");
            }
            catch (Exception ex)
            {
                Console.WriteLine($"{attempt}: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" | ")}");
            }
        }

        return 0;
    case "lazy-grammar":
        // LLamaSharp 0.30.0's AddLazyGrammar binds llama_sampler_init_grammar_lazy_patterns with one parameter too few.
        LlamaCppRuntime.Initialize();
        using (LlamaModel model = LlamaModel.Load(args[1]))
        {
            var p = LLamaModelParams.Default();
            p.n_gpu_layers = 0;
            using SafeLlamaModelHandle handle = SafeLlamaModelHandle.LoadFromFile(args[1], p);
            using SafeLLamaSamplerChainHandle chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
            chain.AddLazyGrammar(handle, "root ::= \"a\"", "root", ["<tool_call>"], []);
            Console.WriteLine("survived");
        }

        return 0;
    default:
        Console.Error.WriteLine("usage: load [folder] | lazy-grammar MODEL");
        return 2;
}
