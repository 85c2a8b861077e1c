namespace ToolLoop.TinyModels;

/// <summary>
/// Builds the deterministic scripted llama-architecture GGUF of <c>shared/reference/make_tiny_gguf.py</c>
/// (a port, byte for byte), generalised to the scripts of a <see cref="TinyModelRecipe"/>.
/// </summary>
/// <remarks>
/// One layer, FFN weights zero. The embedding of token t is e_C + e_state(t) (+ e_F1 for <c>&lt;tools&gt;</c>,
/// + e_F2 for <c>&lt;tool_response&gt;</c>). Two heads with constant Q and K/V non-zero only on the markers
/// write about 1 into mode dimension M1/M2 after the marker; RoPE is neutralised by using the last rotary
/// pair and a huge <c>rope.freq_base</c>. <c>output.weight</c> is a bigram table from states (plus modes at
/// the final <c>\n</c> of the prompt) to the next scripted token.
/// </remarks>
internal static class TinyScriptedModel
{
    public const string ReferenceSha256 = "351f9524ea2297dc82c1062dd44b2f548475014f230cbbce895af752d3ef3f73";

    public const int Unknown = 0;
    public const int Bos = 1;
    public const int EosS = 2;
    public const int Byte0 = 3;
    public const int ImStart = 259;
    public const int ImEnd = 260;
    public const int NewLine = Byte0 + 0x0A;

    private const int TypeNormal = 1;
    private const int TypeUnknown = 2;
    private const int TypeControl = 3;
    private const int TypeUserDefined = 4;
    private const int TypeByte = 6;
    private const string SentencePieceSpace = "\u2581";

    private const int NEmbd = 64;
    private const int NHead = 2;
    private const int NFf = 16;
    private const int HeadDim = NEmbd / NHead;
    private const int DDefault = 0;
    private const int DNewLine = 1;
    private const int DC = 59;
    private const int DF1 = 60;
    private const int DF2 = 61;
    private const int DM1 = 62;
    private const int DM2 = 63;
    private const double A = 300.0;
    private const double Eta = 30.0;
    private const double B = 60.0;
    private const double QK = 4.0;

    public static byte[] Build(TinyModelRecipe recipe)
    {
        var tokens = new List<string>();
        var types = new List<int>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        int Add(string text, int type)
        {
            if (!index.TryAdd(text, tokens.Count))
            {
                // llama.cpp aborts the whole process on duplicate token texts.
                throw new ArgumentException($"Duplicate token text {text}.");
            }

            tokens.Add(text);
            types.Add(type);
            return tokens.Count - 1;
        }

        Add("<unk>", TypeUnknown);
        Add("<s>", TypeControl);
        Add("</s>", TypeControl);
        for (int b = 0; b < 256; b++)
        {
            Add($"<0x{b:X2}>", TypeByte);
        }

        Add("<|im_start|>", TypeControl);
        int imEnd = Add("<|im_end|>", TypeControl);
        int toolsOpen = Add("<tools>", TypeUserDefined);
        Add("</tools>", TypeUserDefined);
        int responseOpen = Add("<tool_response>", TypeUserDefined);
        Add("</tool_response>", TypeUserDefined);
        Add("<tool_call>", TypeUserDefined);
        Add("</tool_call>", TypeUserDefined);
        foreach (string t in recipe.ExtraUserDefinedTokens)
        {
            Add(t, TypeUserDefined);
        }

        foreach (string t in recipe.ExtraControlTokens)
        {
            Add(t, TypeControl);
        }

        int[] Script(IReadOnlyList<string> pieces)
        {
            if (pieces.Count == 0)
            {
                throw new ArgumentException("A script needs at least one token.");
            }

            return [.. pieces.Select(p => index.TryGetValue(p, out int id) ? id : Add(p.Replace(" ", SentencePieceSpace, StringComparison.Ordinal), TypeNormal))];
        }

        int[] plain = Script(recipe.Plain);
        int[] tool = Script(recipe.ToolCall);
        int[] answer = Script(recipe.Answer);
        int Lookup(string piece) => index.TryGetValue(piece, out int id) || index.TryGetValue(piece.Replace(" ", SentencePieceSpace, StringComparison.Ordinal), out id)
            ? id
            : throw new ArgumentException($"The detour's token {piece} is not a scripted token.");
        var detours = recipe.Detours.Select(d => (After: Lookup(d.After), Tokens: Script(d.Tokens), Rejoin: Lookup(d.Rejoin))).ToList();
        int nVocab = tokens.Count;

        var stateDim = new Dictionary<int, int> { [NewLine] = DNewLine };
        int[] scripted = [.. plain, .. tool, .. answer, .. detours.SelectMany(d => d.Tokens)];
        for (int i = 0; i < scripted.Length; i++)
        {
            if (!stateDim.TryAdd(scripted[i], 2 + i))
            {
                throw new ArgumentException($"Token {tokens[scripted[i]]} appears twice in the scripts; every scripted token must be distinct.");
            }
        }

        if (2 + scripted.Length > DC)
        {
            throw new ArgumentException($"The scripts hold {scripted.Length} tokens; at most {DC - 2} fit.");
        }

        double[,] embd = new double[nVocab, NEmbd];
        for (int t = 0; t < nVocab; t++)
        {
            embd[t, DC] = 1.0;
            embd[t, stateDim.GetValueOrDefault(t, DDefault)] = 1.0;
        }

        embd[toolsOpen, DF1] = 1.0;
        embd[responseOpen, DF2] = 1.0;

        double[,] output = new double[nVocab, NEmbd];
        void Chain(int[] seq)
        {
            for (int i = 0; i + 1 < seq.Length; i++)
            {
                output[seq[i + 1], stateDim[seq[i]]] += A;
            }

            output[imEnd, stateDim[seq[^1]]] += A;
        }

        Chain(plain);
        Chain(tool);
        Chain(answer);
        foreach ((int after, int[] detour, int rejoin) in detours)
        {
            if (!stateDim.TryGetValue(after, out int from) || !stateDim.ContainsKey(rejoin))
            {
                throw new ArgumentException("A detour must leave from and rejoin scripted tokens.");
            }

            // Half the script's weight: far behind the script unconstrained, far ahead of every unscripted token.
            output[detour[0], from] += A / 2;
            for (int i = 0; i + 1 < detour.Length; i++)
            {
                output[detour[i + 1], stateDim[detour[i]]] += A;
            }

            output[rejoin, stateDim[detour[^1]]] += A;
        }

        output[imEnd, DDefault] += A;
        output[plain[0], DNewLine] += A + Eta;
        output[tool[0], DNewLine] += A;
        output[tool[0], DM1] += B;
        output[answer[0], DNewLine] += A;
        output[answer[0], DM2] += 2 * B;

        double[,] wq = new double[NEmbd, NEmbd], wk = new double[NEmbd, NEmbd], wv = new double[NEmbd, NEmbd], wo = new double[NEmbd, NEmbd];
        (int F, int M)[] heads = [(DF1, DM1), (DF2, DM2)];
        for (int h = 0; h < heads.Length; h++)
        {
            int qkDim = (h * HeadDim) + HeadDim - 2;
            int vDim = h * HeadDim;
            wq[qkDim, DC] = QK;
            wk[qkDim, heads[h].F] = QK;
            wv[vDim, heads[h].F] = 1.0;
            wo[heads[h].M, vDim] = 1.0 / 4.62;
        }

        double[] ones = [.. Enumerable.Repeat(1.0, NEmbd)];
        var writer = new GgufWriter(recipe.OmittedKeys)
            .Add("general.architecture", "llama")
            .Add("general.name", recipe.Name)
            .Add("general.file_type", 0u)
            .Add("llama.context_length", 8192u)
            .Add("llama.embedding_length", (uint)NEmbd)
            .Add("llama.block_count", 1u)
            .Add("llama.feed_forward_length", (uint)NFf)
            .Add("llama.attention.head_count", (uint)NHead)
            .Add("llama.attention.head_count_kv", (uint)NHead)
            .Add("llama.attention.layer_norm_rms_epsilon", 1e-5f)
            .Add("llama.rope.dimension_count", (uint)HeadDim)
            .Add("llama.rope.freq_base", 1e30f)
            .Add("llama.vocab_size", (uint)nVocab)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", tokens)
            .Add("tokenizer.ggml.scores", new float[nVocab])
            .Add("tokenizer.ggml.token_type", types)
            .Add("tokenizer.ggml.bos_token_id", (uint)Bos)
            .Add("tokenizer.ggml.eos_token_id", (uint)imEnd)
            .Add("tokenizer.ggml.unknown_token_id", (uint)Unknown)
            .Add("tokenizer.ggml.padding_token_id", (uint)EosS)
            .Add("tokenizer.ggml.add_bos_token", false)
            .Add("tokenizer.ggml.add_eos_token", false)
            .Add("tokenizer.ggml.add_space_prefix", recipe.AddSpacePrefix)
            .Add("tokenizer.chat_template", recipe.ChatTemplate);

        writer
            .AddTensor("token_embd.weight", [NEmbd, (ulong)nVocab], Flatten(embd))
            .AddTensor("output_norm.weight", [NEmbd], ToFloat(ones))
            .AddTensor("output.weight", [NEmbd, (ulong)nVocab], Flatten(output))
            .AddTensor("blk.0.attn_norm.weight", [NEmbd], ToFloat(ones))
            .AddTensor("blk.0.attn_q.weight", [NEmbd, NEmbd], Flatten(wq))
            .AddTensor("blk.0.attn_k.weight", [NEmbd, NEmbd], Flatten(wk))
            .AddTensor("blk.0.attn_v.weight", [NEmbd, NEmbd], Flatten(wv))
            .AddTensor("blk.0.attn_output.weight", [NEmbd, NEmbd], Flatten(wo))
            .AddTensor("blk.0.ffn_norm.weight", [NEmbd], ToFloat(ones))
            .AddTensor("blk.0.ffn_gate.weight", [NEmbd, NFf], new float[NFf * NEmbd])
            .AddTensor("blk.0.ffn_up.weight", [NEmbd, NFf], new float[NFf * NEmbd])
            .AddTensor("blk.0.ffn_down.weight", [NFf, NEmbd], new float[NEmbd * NFf]);
        return writer.ToArray();
    }

    /// <summary>Writes the model for <paramref name="recipe"/> into a new temporary file and returns its path.</summary>
    public static string WriteTemporary(TinyModelRecipe recipe)
    {
        string directory = Path.Combine(Path.GetTempPath(), "toolloop-llamacpp-tests");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, $"tiny-{Guid.NewGuid():N}.gguf");
        File.WriteAllBytes(path, Build(recipe));
        return path;
    }

    private static float[] Flatten(double[,] matrix)
    {
        float[] result = new float[matrix.Length];
        int k = 0;
        for (int r = 0; r < matrix.GetLength(0); r++)
        {
            for (int c = 0; c < matrix.GetLength(1); c++)
            {
                result[k++] = (float)matrix[r, c];
            }
        }

        return result;
    }

    private static float[] ToFloat(double[] values) => [.. values.Select(v => (float)v)];
}
