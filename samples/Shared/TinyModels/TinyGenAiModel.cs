using System.Buffers.Binary;
using static ToolLoop.TinyModels.Protobuf;

namespace ToolLoop.TinyModels;

/// <summary>
/// Builds the tiny scripted ONNX Runtime GenAI model folder of <c>shared/reference/make_tiny_genai_model.py</c>
/// (a port, byte for byte, for the reference recipe), generalised to the scripts of a <see cref="TinyGenAiRecipe"/>.
/// </summary>
/// <remarks>
/// One ONNX graph (opset 17, 16 nodes, no attention):
/// <c>logits = BIGRAM[input_ids] + is_newline · (f_tools·R1 + f_response·R2)</c>, where
/// <c>present.0.key = Concat(past.0.key, MARK[input_ids])</c> carries per-token marker flags and
/// <c>f = ReduceMax(present.0.key)</c> over the sequence. So "marker seen" lives in the KV cache and behaves
/// like context across <c>AppendTokens</c> and <c>RewindTo</c>. Every winning logit leads by at least 50.
/// The tokenizer is byte-level BPE (Qwen2 regex + ByteLevel): ids 0–255 are bytes, then the script pieces,
/// then the added tokens <c>&lt;|endoftext|&gt;</c> <c>&lt;|im_start|&gt;</c> <c>&lt;|im_end|&gt;</c> (special)
/// and <c>&lt;tool_call&gt;</c> <c>&lt;/tool_call&gt;</c> <c>&lt;tools&gt;</c> <c>&lt;/tools&gt;</c>
/// <c>&lt;tool_response&gt;</c> <c>&lt;/tool_response&gt;</c> (not special, as in Qwen2.5).
/// </remarks>
internal static class TinyGenAiModel
{
    public const string GenAiConfigSha256 = "5b6b5d6c310bdc964f90bfd2e2c603fae1dab1b6d5ded05c20284227bad7b847";
    public const string ModelSha256 = "6ab2fc4c333447e0b982aba44825d6941f55c8670148d56e1df771a4747d504f";
    public const string TokenizerSha256 = "c609ed01b7d6a9e66208ea23488c786c898352a8d7552f13d9e057feed8d879c";
    public const string TokenizerConfigSha256 = "2e517255435bc87651fba11eeefdfd62f820f277d2b1e2bce6b79c826cd1df93";

    /// <summary>The logit margin: the scripted token leads every other token by at least this in every state.</summary>
    private const float A = 50.0f;

    private const int TypeFloat = 1;
    private const int TypeInt64 = 7;
    private const int AttributeInt = 2;
    private const int AttributeInts = 7;

    /// <summary>The built-in chat template: Qwen2.5-style ChatML with Hermes tools.</summary>
    public const string ChatTemplate =
        "{%- if tools %}" +
        "{{- '<|im_start|>system\\n' }}" +
        "{%- if messages[0].role == 'system' %}{{- messages[0].content }}{%- else %}{{- 'You are a helpful assistant.' }}{%- endif %}" +
        "{{- '\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>' }}" +
        "{%- for tool in tools %}{{- '\\n' }}{{- tool | tojson }}{%- endfor %}" +
        "{{- '\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within " +
        "<tool_call></tool_call> XML tags:\\n<tool_call>\\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\\n</tool_call><|im_end|>\\n' }}" +
        "{%- elif messages[0].role == 'system' %}" +
        "{{- '<|im_start|>system\\n' + messages[0].content + '<|im_end|>\\n' }}" +
        "{%- endif %}" +
        "{%- for message in messages %}" +
        "{%- if message.role == 'user' or (message.role == 'system' and not loop.first) or (message.role == 'assistant' and not message.tool_calls) %}" +
        "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}" +
        "{%- elif message.role == 'assistant' %}" +
        "{{- '<|im_start|>assistant' }}" +
        "{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}" +
        "{%- for tool_call in message.tool_calls %}" +
        "{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}" +
        "{{- '\\n<tool_call>\\n{\"name\": \"' + tool_call.name + '\", \"arguments\": ' }}{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}" +
        "{%- endfor %}" +
        "{{- '<|im_end|>\\n' }}" +
        "{%- elif message.role == 'tool' %}" +
        "{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}{{- '<|im_start|>user' }}{%- endif %}" +
        "{{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}" +
        "{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}{{- '<|im_end|>\\n' }}{%- endif %}" +
        "{%- endif %}" +
        "{%- endfor %}" +
        "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

    private const string Qwen2Split =
        "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static readonly (string Content, bool Special)[] s_added =
    [
        ("<|endoftext|>", true), ("<|im_start|>", true), ("<|im_end|>", true),
        ("<tool_call>", false), ("</tool_call>", false), ("<tools>", false), ("</tools>", false),
        ("<tool_response>", false), ("</tool_response>", false),
    ];

    /// <summary>The four files of the model folder, in the reference script's order.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> Build(TinyGenAiRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var vocabulary = new Vocabulary();
        for (int b = 0; b < 256; b++)
        {
            vocabulary.Add(ByteLevel.ToChar((byte)b).ToString());
        }

        int newLine = '\n';
        if (recipe.Plain.Count == 0 || recipe.Answer.Count == 0)
        {
            throw new ArgumentException("The plain and answer scripts need at least one piece each.", nameof(recipe));
        }

        int[] plain = [vocabulary.MergeChain(recipe.Plain[0]), .. recipe.Plain.Skip(1).Select(vocabulary.Script)];
        int[] toolBody = [.. recipe.ToolCallBody.Select(vocabulary.Script)];
        int[] answer = [.. recipe.Answer.Select(vocabulary.Script)];
        int modelVocab = vocabulary.Count;
        var addedId = s_added.Select((a, i) => (a.Content, Id: modelVocab + i)).ToDictionary(a => a.Content, a => a.Id, StringComparer.Ordinal);
        int v = modelVocab + s_added.Length;
        int endOfText = addedId["<|endoftext|>"], imEnd = addedId["<|im_end|>"];
        int callOpen = addedId["<tool_call>"], callClose = addedId["</tool_call>"];
        int[] tool = [callOpen, .. toolBody, callClose];

        int[] scripted = [.. plain, .. tool, .. answer];
        if (scripted.Distinct().Count() != scripted.Length || scripted.Contains(newLine))
        {
            throw new ArgumentException("Every script piece must be a different token (and not a bare newline): the model is a bigram table.", nameof(recipe));
        }

        // Logit tables: BIGRAM row t holds A at the scripted successor of t and A at <|im_end|> for every other
        // row (an unknown state stops at once); the newline row starts the reply; R1/R2 move it to the call/answer.
        float[] bigram = new float[v * v];
        for (int t = 0; t < v; t++)
        {
            bigram[(t * v) + imEnd] = A;
        }

        foreach (int[] sequence in new[] { plain, tool, answer })
        {
            for (int i = 0; i + 1 < sequence.Length; i++)
            {
                bigram[(sequence[i] * v) + imEnd] = 0;
                bigram[(sequence[i] * v) + sequence[i + 1]] = A;
            }
        }

        bigram[(newLine * v) + imEnd] = 0;
        bigram[(newLine * v) + plain[0]] = A;
        float[] r1 = new float[v], r2 = new float[v], mark = new float[v * 2];
        r1[tool[0]] = 2 * A;
        r2[answer[0]] = 4 * A;
        mark[addedId["<tools>"] * 2] = 1;
        mark[(addedId["<tool_response>"] * 2) + 1] = 1;

        return
        [
            ("genai_config.json", PythonJson.Dump(GenAiConfig(v, recipe.ContextLength, endOfText, imEnd, callOpen, callClose))),
            ("tokenizer.json", PythonJson.Dump(TokenizerJson(vocabulary, addedId))),
            ("tokenizer_config.json", PythonJson.Dump(TokenizerConfig(recipe.ChatTemplate ?? ChatTemplate, recipe.ContextLength, addedId))),
            ("model.onnx", ModelOnnx(v, newLine, bigram, r1, r2, mark)),
        ];
    }

    /// <summary>Writes the folder for <paramref name="recipe"/> into <paramref name="directory"/> (created if needed).</summary>
    public static string Write(TinyGenAiRecipe recipe, string directory)
    {
        Directory.CreateDirectory(directory);
        foreach ((string name, byte[] bytes) in Build(recipe))
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }

        return directory;
    }

    /// <summary>Writes the folder for <paramref name="recipe"/> into a new temporary directory and returns its path.</summary>
    public static string WriteTemporary(TinyGenAiRecipe recipe)
        => Write(recipe, Path.Combine(Path.GetTempPath(), "toolloop-onnx-tests", "tiny-" + Guid.NewGuid().ToString("N")));

    // ---------------------------------------------------------------- JSON files

    private static OrderedDictionary<string, object?> Obj(params (string Key, object? Value)[] entries)
    {
        var obj = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string key, object? value) in entries)
        {
            obj.Add(key, value);
        }

        return obj;
    }

    private static OrderedDictionary<string, object?> GenAiConfig(int v, int contextLength, int endOfText, int imEnd, int callOpen, int callClose) => Obj(
        ("model", Obj(
            ("type", "qwen2"), ("vocab_size", v), ("context_length", contextLength),
            ("bos_token_id", endOfText), ("eos_token_id", new object[] { imEnd, endOfText }), ("pad_token_id", endOfText),
            ("bot_token_id", callOpen), ("eot_token_id", callClose),
            ("decoder", Obj(
                ("session_options", Obj(("log_id", "onnxruntime-genai"), ("provider_options", Array.Empty<object>()))),
                ("filename", "model.onnx"),
                ("head_size", 2), ("hidden_size", 2), ("num_attention_heads", 1), ("num_key_value_heads", 1), ("num_hidden_layers", 1),
                ("inputs", Obj(
                    ("input_ids", "input_ids"), ("attention_mask", "attention_mask"), ("position_ids", "position_ids"),
                    ("past_key_names", "past_key_values.%d.key"), ("past_value_names", "past_key_values.%d.value"))),
                ("outputs", Obj(("logits", "logits"), ("present_key_names", "present.%d.key"), ("present_value_names", "present.%d.value"))))))),
        ("search", Obj(
            ("diversity_penalty", 0.0), ("do_sample", false), ("early_stopping", true), ("length_penalty", 1.0),
            ("max_length", contextLength), ("min_length", 0), ("no_repeat_ngram_size", 0), ("num_beams", 1), ("num_return_sequences", 1),
            ("past_present_share_buffer", false), ("repetition_penalty", 1.0), ("temperature", 1.0), ("top_k", 50), ("top_p", 1.0))));

    private static OrderedDictionary<string, object?> AddedEntry(string content, bool special) => Obj(
        ("content", content), ("lstrip", false), ("normalized", false), ("rstrip", false), ("single_word", false), ("special", special));

    private static OrderedDictionary<string, object?> ByteLevelOptions() => Obj(
        ("type", "ByteLevel"), ("add_prefix_space", false), ("trim_offsets", false), ("use_regex", false));

    private static OrderedDictionary<string, object?> TokenizerJson(Vocabulary vocabulary, Dictionary<string, int> addedId)
    {
        var added = new List<object?>();
        foreach ((string content, bool special) in s_added)
        {
            OrderedDictionary<string, object?> entry = AddedEntry(content, special);
            entry.Insert(0, "id", addedId[content]);
            added.Add(entry);
        }

        var vocab = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string text, int id) in vocabulary.Tokens)
        {
            vocab.Add(text, id);
        }

        return Obj(
            ("version", "1.0"), ("truncation", null), ("padding", null),
            ("added_tokens", added),
            ("normalizer", null),
            ("pre_tokenizer", Obj(("type", "Sequence"), ("pretokenizers", new object[]
            {
                Obj(("type", "Split"), ("pattern", Obj(("Regex", Qwen2Split))), ("behavior", "Isolated"), ("invert", false)),
                ByteLevelOptions(),
            }))),
            ("post_processor", ByteLevelOptions()), ("decoder", ByteLevelOptions()),
            ("model", Obj(
                ("type", "BPE"), ("dropout", null), ("unk_token", null), ("continuing_subword_prefix", ""), ("end_of_word_suffix", ""),
                ("fuse_unk", false), ("byte_fallback", false), ("ignore_merges", false), ("vocab", vocab), ("merges", vocabulary.Merges))));
    }

    private static OrderedDictionary<string, object?> TokenizerConfig(string chatTemplate, int contextLength, Dictionary<string, int> addedId)
    {
        var decoder = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach ((string content, bool special) in s_added)
        {
            decoder.Add(addedId[content].ToString(System.Globalization.CultureInfo.InvariantCulture), AddedEntry(content, special));
        }

        return Obj(
            ("add_bos_token", false), ("add_eos_token", false), ("add_prefix_space", false),
            ("added_tokens_decoder", decoder),
            ("additional_special_tokens", new object[] { "<|im_start|>", "<|im_end|>" }),
            ("bos_token", null), ("chat_template", chatTemplate), ("clean_up_tokenization_spaces", false),
            ("eos_token", "<|im_end|>"), ("errors", "replace"), ("model_max_length", contextLength), ("pad_token", "<|endoftext|>"),
            ("split_special_tokens", false), ("tokenizer_class", "Qwen2Tokenizer"), ("unk_token", null));
    }

    // ---------------------------------------------------------------- model.onnx (onnx.proto3 field numbers)

    private static byte[] Tensor(string name, int[] dims, float[] values)
    {
        byte[] raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        return TensorProto(name, dims, TypeFloat, raw);
    }

    private static byte[] Tensor(string name, int[] dims, long value)
    {
        byte[] raw = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, value);
        return TensorProto(name, dims, TypeInt64, raw);
    }

    // TensorProto: dims=1, data_type=2, name=8, raw_data=9.
    private static byte[] TensorProto(string name, int[] dims, int dataType, byte[] raw)
        => Concat([.. dims.Select(d => IntField(1, d)), IntField(2, dataType), StringField(8, name), BytesField(9, raw)]);

    // AttributeProto: name=1, i=3, ints=8, type=20.
    private static byte[] AttrInt(string name, long value) => Concat([StringField(1, name), IntField(20, AttributeInt), IntField(3, value)]);

    private static byte[] AttrInts(string name, params long[] values) => Concat([StringField(1, name), IntField(20, AttributeInts), .. values.Select(x => IntField(8, x))]);

    // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5.
    private static byte[] Node(string op, string[] inputs, string[] outputs, string name, params byte[][] attributes)
        => Concat([.. inputs.Select(i => StringField(1, i)), .. outputs.Select(o => StringField(2, o)), StringField(3, name), StringField(4, op), .. attributes.Select(a => BytesField(5, a))]);

    // ValueInfoProto (name=1, type=2) → TypeProto.tensor_type=1 → elem_type=1, shape=2 → dim=1 → dim_value=1 | dim_param=2.
    private static byte[] ValueInfo(string name, int elementType, params object[] dims)
    {
        byte[] shape = Concat(dims.Select(d => BytesField(1, d is int n ? IntField(1, n) : StringField(2, (string)d))));
        return Concat([StringField(1, name), BytesField(2, BytesField(1, Concat([IntField(1, elementType), BytesField(2, shape)])))]);
    }

    private static byte[] ModelOnnx(int v, int newLine, float[] bigram, float[] r1, float[] r2, float[] mark)
    {
        byte[][] initializers =
        [
            Tensor("bigram", [v, v], bigram),
            Tensor("r1", [v], r1),
            Tensor("r2", [v], r2),
            Tensor("mark", [v, 2], mark),
            Tensor("nl_id", [], newLine),
            Tensor("axis1", [1], 1),
            Tensor("axis2", [1], 2),
            Tensor("i0", [1], 0),
            Tensor("i1", [1], 1),
            Tensor("i2", [1], 2),
        ];
        byte[][] nodes =
        [
            Node("Gather", ["bigram", "input_ids"], ["base"], "bigram_lookup", AttrInt("axis", 0)),
            Node("Equal", ["input_ids", "nl_id"], ["is_nl_b"], "is_newline"),
            Node("Cast", ["is_nl_b"], ["is_nl_f"], "is_newline_f", AttrInt("to", TypeFloat)),
            Node("Unsqueeze", ["is_nl_f", "axis2"], ["is_nl"], "is_newline_3d"),
            Node("Gather", ["mark", "input_ids"], ["mark_new3"], "mark_lookup", AttrInt("axis", 0)),
            Node("Unsqueeze", ["mark_new3", "axis1"], ["mark_new"], "mark_4d"),
            Node("Concat", ["past_key_values.0.key", "mark_new"], ["present.0.key"], "kv_key", AttrInt("axis", 2)),
            Node("Concat", ["past_key_values.0.value", "mark_new"], ["present.0.value"], "kv_value", AttrInt("axis", 2)),
            Node("ReduceMax", ["present.0.key"], ["flags"], "markers_seen", AttrInts("axes", 2), AttrInt("keepdims", 0)),
            Node("Slice", ["flags", "i0", "i1", "axis2"], ["f1"], "f_tools"),
            Node("Slice", ["flags", "i1", "i2", "axis2"], ["f2"], "f_response"),
            Node("Mul", ["f1", "r1"], ["m1"], "mode_tools"),
            Node("Mul", ["f2", "r2"], ["m2"], "mode_response"),
            Node("Add", ["m1", "m2"], ["mode"], "mode"),
            Node("Mul", ["is_nl", "mode"], ["mode_at_nl"], "mode_at_newline"),
            Node("Add", ["base", "mode_at_nl"], ["logits"], "logits"),
        ];
        byte[][] inputs =
        [
            ValueInfo("input_ids", TypeInt64, "batch_size", "sequence_length"),
            ValueInfo("attention_mask", TypeInt64, "batch_size", "total_sequence_length"),
            ValueInfo("position_ids", TypeInt64, "batch_size", "sequence_length"),
            ValueInfo("past_key_values.0.key", TypeFloat, "batch_size", 1, "past_sequence_length", 2),
            ValueInfo("past_key_values.0.value", TypeFloat, "batch_size", 1, "past_sequence_length", 2),
        ];
        byte[][] outputs =
        [
            ValueInfo("logits", TypeFloat, "batch_size", "sequence_length", v),
            ValueInfo("present.0.key", TypeFloat, "batch_size", 1, "total_sequence_length", 2),
            ValueInfo("present.0.value", TypeFloat, "batch_size", 1, "total_sequence_length", 2),
        ];

        // GraphProto: node=1, name=2, initializer=5, input=11, output=12.
        byte[] graph = Concat([.. nodes.Select(n => BytesField(1, n)), StringField(2, "tiny_scripted_decoder"), .. initializers.Select(t => BytesField(5, t)),
            .. inputs.Select(i => BytesField(11, i)), .. outputs.Select(o => BytesField(12, o))]);

        // ModelProto: ir_version=1 (IR 8), producer_name=2, producer_version=3, graph=7, opset_import=8 (domain "", opset 17).
        return Concat([IntField(1, 8), StringField(2, "toolloop-tiny-genai"), StringField(3, "1"), BytesField(7, graph), BytesField(8, Concat([StringField(1, ""), IntField(2, 17)]))]);
    }

    /// <summary>model.vocab (token string → id, in id order) and model.merges of the byte-level BPE.</summary>
    private sealed class Vocabulary
    {
        private readonly OrderedDictionary<string, int> _tokens = new(StringComparer.Ordinal);

        public int Count => _tokens.Count;

        public IEnumerable<(string Text, int Id)> Tokens => _tokens.Select(t => (t.Key, t.Value));

        public List<string> Merges { get; } = [];

        public int Add(string tokenText)
        {
            if (!_tokens.TryGetValue(tokenText, out int id))
            {
                id = _tokens.Count;
                _tokens.Add(tokenText, id);
            }

            return id;
        }

        public int Script(ScriptPiece piece) => Add(ToByteLevel(piece));

        /// <summary>A piece reachable by left-to-right BPE merges, so encoding its text yields this one token.</summary>
        public int MergeChain(ScriptPiece piece)
        {
            string s = ToByteLevel(piece);
            for (int i = 2; i <= s.Length; i++)
            {
                Merges.Add(s[..(i - 1)] + " " + s[i - 1]);
                Add(s[..i]);
            }

            return _tokens[s];
        }

        private static string ToByteLevel(ScriptPiece piece) => new([.. piece.Utf8.Select(ByteLevel.ToChar)]);
    }
}
