"""Builds the results section of benchmarks/README.md from a benchmark run's *-figures.json files.

Every figure in the tables comes from BenchmarkDotNet's medians and allocations as ToolLoop.Benchmarks exported them
(FiguresExporter); every target of issue 13 is checked against those figures and marked met or missed. Nothing is
typed by hand, so a miss cannot be tuned away in the README.

Usage: python3 benchmarks/summarize.py RESULTS_DIR [--jinja2 JINJA2.md] [--job NAME] [--readme benchmarks/README.md]
                                      [--main-readme README.md]
With --readme, the text between <!-- results:begin --> and <!-- results:end --> is replaced; otherwise it is printed.
With --main-readme, the targets table goes between <!-- benchmark-headline:begin --> and <!-- benchmark-headline:end -->.
"""
import glob
import json
import os
import sys
from collections import defaultdict
from datetime import date

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
HEADLINE_BEGIN, HEADLINE_END = "<!-- benchmark-headline:begin -->", "<!-- benchmark-headline:end -->"


def replace_section(path, begin, end, text):
    with open(path, encoding="utf-8") as f:
        current = f.read()
    if begin not in current or end not in current:
        raise SystemExit(f"summarize: {path} has no {begin} ... {end} section")
    head, rest = current.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + text + end + tail)
    print(f"summarize: wrote {path}")


def load(results_dir):
    cases, hosts = [], []
    for path in sorted(glob.glob(os.path.join(results_dir, "*-figures.json"))):
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        hosts.append(doc)
        cases.extend(doc["cases"])
    if not cases:
        raise SystemExit(f"summarize: no *-figures.json in {results_dir}")
    return cases, hosts[0]


def pick(cases, type_, method=None, **params):
    out = []
    for c in cases:
        if c["type"] != type_ or (method and c["method"] != method):
            continue
        if all(c["parameters"].get(k) == v for k, v in params.items()):
            out.append(c)
    return out


def one(cases, type_, method, **params):
    found = pick(cases, type_, method, **params)
    return found[0] if found else None


def mbps(c):
    return c["inputBytes"] / c["medianNs"] * 1e3 if c and c.get("medianNs") and c.get("inputBytes") else None


def per_unit_ns(c):
    return c["medianNs"] / c["units"] if c and c.get("medianNs") and c.get("units") else None


def per_unit_bytes(c):
    return c["allocatedBytes"] / c["units"] if c and c.get("allocatedBytes") is not None and c.get("units") else None


def extra(c, name):
    return (c or {}).get("extra", {}).get(name)


def rate(c):
    return c["units"] / c["medianNs"] * 1e9 if c and c.get("units") and c.get("medianNs") else None


def fmt(v, digits=None):
    if v is None:
        return "—"
    if digits is None:
        digits = 0 if abs(v) >= 100 else (1 if abs(v) >= 10 else 2)
    return f"{v:,.{digits}f}"


def fmt_time(ns):
    if ns is None:
        return "—"
    if ns >= 1e6:
        return f"{ns / 1e6:,.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:,.2f} μs"
    return f"{ns:,.1f} ns"


def fmt_bytes(b):
    if b is None:
        return "—"
    if b >= 1 << 20:
        return f"{b / (1 << 20):,.2f} MB"
    if b >= 1 << 10:
        return f"{b / (1 << 10):,.1f} KB"
    return f"{b:,.0f} B"


def shape_order(value):
    """Sorts inputs by family, then shape, then size (1k before 4k before 16k)."""
    family, shape = split_input(value)
    kind, _, size = shape.rpartition("-")
    digits = "".join(ch for ch in size if ch.isdigit())
    return (family, kind or shape, int(digits) if digits else 0, shape)


def split_input(value):
    family, _, shape = value.partition(" ")
    return family, shape


class Report:
    def __init__(self, cases):
        self.cases = cases
        self.lines = []
        self.targets = []

    def table(self, header, rows):
        self.lines.append("| " + " | ".join(header) + " |")
        self.lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for row in rows:
            self.lines.append("| " + " | ".join(row) + " |")
        self.lines.append("")

    def target(self, text, figure, met):
        status = "—" if met is None else ("met" if met else "**missed**")
        self.targets.append((text, figure, status))

    # ---- area 1
    def whole(self):
        c = self.cases
        prose = pick(c, "WholeProseBenchmarks")
        calls = pick(c, "WholeCallsBenchmarks")
        if not prose and not calls:
            return
        self.lines += ["### 1. Parser, whole message", "",
                       "MB/s is the output's UTF-8 size over the median time of one parse (10^6 B = 1 MB). Floor: one vectorised "
                       "`SearchValues` scan for any marker's first byte. JsonDocument: `JsonDocument.Parse` of the calls' JSON alone "
                       "(its MB/s is the whole output's size over its time, so the rows compare). Output: the estimated size of the "
                       "parse's result strings and calls (the allocation floor).", ""]
        rows, prose_figs, call_figs = [], [], []
        for inp in sorted({x["parameters"]["Input"] for x in prose + calls}, key=shape_order):
            t = "WholeProseBenchmarks" if pick(prose, "WholeProseBenchmarks", Input=inp) else "WholeCallsBenchmarks"
            s, u = one(c, t, "ParseString", Input=inp), one(c, t, "ParseUtf8", Input=inp)
            floor, js = one(c, t, "FloorScanUtf8", Input=inp), one(c, t, "JsonDocumentOfCalls", Input=inp)
            family, shape = split_input(inp)
            (prose_figs if t == "WholeProseBenchmarks" else call_figs).extend(x for x in (mbps(s), mbps(u)) if x is not None)
            rows.append([family, shape, fmt(mbps(s)), fmt(mbps(u)), fmt(mbps(floor)), fmt(mbps(js)) if js else "—",
                         fmt_bytes(s and s.get("allocatedBytes")), fmt_bytes(u and u.get("allocatedBytes")), fmt_bytes(extra(s, "outputBytes"))])
        self.table(["Family", "Output", "string MB/s", "UTF-8 MB/s", "floor MB/s", "JsonDocument MB/s", "alloc (string)", "alloc (UTF-8)", "Output"], rows)
        if prose_figs:
            self.target("Prose ≥ 4 GB/s whole (slowest family and entry)", f"{fmt(min(prose_figs))} MB/s", min(prose_figs) >= 4000)
        if call_figs:
            self.target("Reasoning + calls and long-argument calls ≥ 1 GB/s (slowest)", f"{fmt(min(call_figs))} MB/s", min(call_figs) >= 1000)

    # ---- area 2
    def streaming(self):
        c = self.cases
        hermes = pick(c, "StreamingBenchmarks")
        fam = pick(c, "StreamingByFamilyBenchmarks")
        if not hermes and not fam:
            return
        self.lines += ["### 2. Parser, streaming (4-byte / 4-char chunks)", "",
                       "One operation streams a whole output (new parser, every chunk, Complete); per-chunk figures divide it by the "
                       "chunks. out B/chunk is the output's estimated size per chunk: allocation above it is the parser's own. "
                       "Re-parse: the baseline that re-reads the accumulated text on every chunk.", ""]
        all_ns, speedups, flat = [], [], []
        rows = []
        for inp in sorted({x["parameters"]["Input"] for x in hermes}, key=lambda s: (split_input(s)[1].split("-")[0], int(split_input(s)[1].split("-")[1].rstrip("k")))):
            u, s, r = (one(c, "StreamingBenchmarks", m, Input=inp) for m in ("StreamUtf8", "StreamString", "ReparseEveryChunk"))
            all_ns += [x for x in (per_unit_ns(u), per_unit_ns(s)) if x is not None]
            speed = per_unit_ns(r) / per_unit_ns(u) if per_unit_ns(r) and per_unit_ns(u) else None
            if inp.endswith("16k") and speed:
                speedups.append(speed)
            rows.append([split_input(inp)[1], fmt(per_unit_ns(u)), fmt(per_unit_bytes(u), 1), fmt(extra(u, "outputBytes") / u["units"] if u and extra(u, "outputBytes") is not None else None, 1),
                         fmt(per_unit_ns(s)), fmt(per_unit_bytes(s), 1), fmt(per_unit_ns(r)), fmt(speed)])
        if rows:
            self.lines += ["Hermes, with the re-parse baseline:", ""]
            self.table(["Output", "UTF-8 ns/chunk", "UTF-8 B/chunk", "out B/chunk", "string ns/chunk", "string B/chunk", "re-parse ns/chunk", "re-parse ÷ UTF-8"], rows)
        rows = []
        marginal = []
        by = defaultdict(dict)
        for x in fam + [h for h in hermes if h["method"] != "ReparseEveryChunk"]:
            family, shape = split_input(x["parameters"]["Input"])
            kind, size = shape.split("-")
            by[(family, kind, x["method"])][size] = x
        for (family, kind, method), sizes in sorted(by.items()):
            small, big = sizes.get("1k"), sizes.get("16k")
            if not small or not big:
                continue
            all_ns += [x for x in (per_unit_ns(small), per_unit_ns(big)) if x is not None]
            ratio = per_unit_ns(big) / per_unit_ns(small) if per_unit_ns(big) and per_unit_ns(small) else None
            if ratio:
                flat.append(ratio)
            m = None
            if all(v is not None for v in (big.get("allocatedBytes"), small.get("allocatedBytes"), extra(big, "outputBytes"), extra(small, "outputBytes"))):
                m = ((big["allocatedBytes"] - extra(big, "outputBytes")) - (small["allocatedBytes"] - extra(small, "outputBytes"))) / (big["units"] - small["units"])
                marginal.append(m)
            entry = "UTF-8" if method == "StreamUtf8" else "string"
            rows.append([family, kind, entry, fmt(per_unit_ns(small)), fmt(per_unit_ns(big)), fmt(ratio), fmt(per_unit_bytes(small), 1), fmt(per_unit_bytes(big), 1), fmt(m, 2)])
        if rows:
            self.lines += ["Every family, 1k and 16k tokens (marginal B/chunk: allocation beyond the output per extra chunk from 1k to 16k):", ""]
            self.table(["Family", "Output", "Entry", "ns/chunk 1k", "ns/chunk 16k", "16k ÷ 1k", "B/chunk 1k", "B/chunk 16k", "marginal B/chunk"], rows)
        if all_ns:
            self.target("Streaming ≤ 100 ns per chunk at every length (slowest)", f"{fmt(max(all_ns))} ns", max(all_ns) <= 100)
        if marginal:
            self.target("0 B per chunk in prose and inside arguments (largest marginal allocation beyond the output)", f"{fmt(max(marginal), 2)} B/chunk", max(marginal) <= 0.5)
        if flat:
            self.target("Per-chunk cost at 16k within 1.3× of 1k (largest ratio)", f"{fmt(max(flat))}×", max(flat) <= 1.3)
        if speedups:
            self.target("≥ 100× faster than re-parsing per chunk at 16k tokens (smallest)", f"{fmt(min(speedups))}×", min(speedups) >= 100)

    # ---- area 3
    def hostile(self):
        c = pick(self.cases, "HostileShapeBenchmarks")
        if not c:
            return
        self.lines += ["### 3. Hostile shapes", "",
                       "Linear means the same MB/s at 256 KB and 1 MB and a bounded examined/char (the parser's own counter of "
                       "characters handed to its scanners); × prose is the time per byte over prose's, same size and entry.", ""]
        by = defaultdict(dict)
        for x in c:
            family, rest = split_input(x["parameters"]["Input"])
            shape, size = rest.rsplit(" ", 1)
            by[(family, shape, x["method"])][size] = x
        rows, growth, factors = [], [], []
        for (family, shape, method), sizes in sorted(by.items()):
            small, big = sizes.get("256KB"), sizes.get("1MB")
            g = mbps(small) / mbps(big) if mbps(small) and mbps(big) else None
            prose_big = by.get(("hermes", "prose", method), {}).get("1MB")
            factor = (big["medianNs"] / big["inputBytes"]) / (prose_big["medianNs"] / prose_big["inputBytes"]) if big and prose_big and big.get("medianNs") and prose_big.get("medianNs") else None
            if shape != "prose":
                if g:
                    growth.append(g)
                if factor:
                    factors.append(factor)
            rows.append([family, shape, "whole" if method == "ParseWhole" else "4-char chunks", fmt(mbps(small)), fmt(mbps(big)), fmt(g), fmt(extra(big, "examinedPerChar")), fmt(factor)])
        self.table(["Family", "Shape", "Entry", "MB/s 256 KB", "MB/s 1 MB", "256 KB ÷ 1 MB", "examined/char", "× prose (1 MB)"], rows)
        if growth:
            self.target("Hostile shapes linear (largest slowdown per byte from 256 KB to 1 MB; 1.0 = linear)", f"{fmt(max(growth))}×", None)
        if factors:
            self.target("Hostile shapes within a small factor of prose (largest, 1 MB)", f"{fmt(max(factors))}×", None)

    # ---- area 4
    def loop(self):
        c = pick(self.cases, "LoopBenchmarks")
        p = pick(self.cases, "ParsingClientBenchmarks")
        if not c and not p:
            return
        self.lines += ["### 4. The loop and the parsing client", "",
                       "One request: five rounds of one call, then an answer, on an instant scripted client; per round = request ÷ 5.", ""]
        rows, worst_t, worst_a = [], [], []
        for mode, ficc_m, tl_m in (("GetResponseAsync", "Ficc", "ToolLoop"), ("streaming", "FiccStreaming", "ToolLoopStreaming")):
            f, t = one(c, "LoopBenchmarks", ficc_m), one(c, "LoopBenchmarks", tl_m)
            if not f or not t:
                continue
            rt = t["medianNs"] / f["medianNs"] if f.get("medianNs") and t.get("medianNs") else None
            ra = t["allocatedBytes"] / f["allocatedBytes"] if f.get("allocatedBytes") and t.get("allocatedBytes") is not None else None
            worst_t.append(rt)
            worst_a.append(ra)
            rows.append([mode, fmt(per_unit_ns(t) / 1e3 if per_unit_ns(t) else None, 2), fmt(per_unit_ns(f) / 1e3 if per_unit_ns(f) else None, 2), fmt(rt),
                         fmt_bytes(per_unit_bytes(t)), fmt_bytes(per_unit_bytes(f)), fmt(ra)])
        if rows:
            self.table(["Mode", "ToolLoop μs/round", "FICC μs/round", "time ratio", "ToolLoop B/round", "FICC B/round", "alloc ratio"], rows)
            if None not in worst_t and None not in worst_a:
                self.target("Loop time and allocations per round ≤ FunctionInvokingChatClient's (largest ratio)",
                            f"time {fmt(max(worst_t))}×, allocations {fmt(max(worst_a))}×", max(worst_t) <= 1.0 and max(worst_a) <= 1.0)
        rows = []
        for cat, base_m, m in (("loop", "StructuredLoop", "HermesTextLoop"), ("loop streaming", "StructuredLoopStreaming", "HermesTextLoopStreaming"), ("one response", "OneStructuredResponse", "OneHermesResponse")):
            b, x = one(p, "ParsingClientBenchmarks", base_m), one(p, "ParsingClientBenchmarks", m)
            if b and x:
                rows.append([cat, fmt(per_unit_ns(b) / 1e3 if per_unit_ns(b) else None, 2), fmt(per_unit_ns(x) / 1e3 if per_unit_ns(x) else None, 2),
                             fmt(x["medianNs"] / b["medianNs"] if b.get("medianNs") else None), fmt_bytes(per_unit_bytes(b)), fmt_bytes(per_unit_bytes(x))])
        if rows:
            self.lines += ["The parsing client: the same calls written as Hermes text vs structured:", ""]
            self.table(["Case", "structured μs/round", "Hermes text μs/round", "ratio", "structured B/round", "Hermes text B/round"], rows)

    # ---- area 5
    def templates(self, jinja2_md):
        c = pick(self.cases, "TemplateBenchmarks")
        cold = pick(self.cases, "TemplateColdStartBenchmarks")
        if not c:
            return
        self.lines += ["### 5. Templates (50 messages, 10 tools)", "",
                       "Render: one render of the parsed template with mapped inputs (the baseline). Per request: "
                       "`ChatTemplateRenderer.Render` from M.E.AI messages. First render, warm process: parse + render of a text "
                       "never seen. First request, new process: BenchmarkDotNet's cold-start job (JIT included).", ""]
        rows, ratios = [], []
        for name in sorted({x["parameters"]["Template"] for x in c}):
            get = lambda m: one(c, "TemplateBenchmarks", m, Template=name)
            render, per_request = get("Render"), get("RendererPerRequest")
            ratio = per_request["medianNs"] / render["medianNs"] if render and per_request and render.get("medianNs") and per_request.get("medianNs") else None
            if ratio:
                ratios.append((ratio, name))
            first = one(cold, "TemplateColdStartBenchmarks", "FirstRequest", Template=name)
            rows.append([name, fmt_time(render and render["medianNs"]), fmt_time(get("RenderSegments") and get("RenderSegments")["medianNs"]),
                         fmt_time(get("MapInputs") and get("MapInputs")["medianNs"]), fmt_time(per_request and per_request["medianNs"]), fmt(ratio),
                         fmt_time(get("ParseAndRender") and get("ParseAndRender")["medianNs"]), fmt_time(first and first["medianNs"]),
                         fmt_bytes(per_request and per_request.get("allocatedBytes"))])
        self.table(["Template", "Render", "RenderSegments", "MapInputs", "per request", "per request ÷ Render", "first render (warm process)", "first request (new process)", "alloc per request"], rows)
        if ratios:
            worst = max(ratios)
            self.target("Template render per request ≤ one render + 20% (largest)", f"{fmt(worst[0])}× ({worst[1]})", worst[0] <= 1.2)
        if jinja2_md and os.path.exists(jinja2_md):
            self.lines += ["Python Jinja2 on the same inputs (benchmarks/jinja2_bench.py; a separate process and clock, not BenchmarkDotNet):", ""]
            with open(jinja2_md, encoding="utf-8") as f:
                self.lines += [l.rstrip("\n") for l in f]
            self.lines.append("")

    # ---- area 6
    # (runtime label, benchmark class, peer client's method prefix or None, KV reuse class)
    RUNTIMES = (("llama.cpp", "LlamaCppBenchmarks", None, "KvReuseBenchmarks"),
                ("ONNX Runtime GenAI", "OnnxGenAIBenchmarks", "Microsoft", "OnnxKvReuseBenchmarks"))

    def adapters(self):
        if not any(pick(self.cases, t) for _, bench, _, kv in self.RUNTIMES for t in (bench, kv)):
            return
        self.lines += ["### 6. Adapters (tiny scripted models)", "",
                       "Tokens/s through ToolLoop's chat client next to a tight loop over the same native calls (tokenize the rendered prompt, "
                       "decode, sample, detokenize) with no chat-client layer; overhead = client time ÷ native time − 1. The client also renders "
                       "the chat template, which the loop does not: 'render' is one render of the same conversation alone, as a share of the "
                       "native time (it is part of the overhead, not added to the baseline). On ONNX Runtime GenAI, Microsoft's "
                       "`OnnxRuntimeGenAIChatClient` runs the same requests (it keeps no cache across requests, so it evaluates each "
                       "whole prompt; its prompt tokens/s counts the whole prompt); ToolLoop ÷ Microsoft is the time ratio.", ""]
        rows = []
        for runtime, bench, peer, _ in self.RUNTIMES:
            c = pick(self.cases, bench)
            overheads, ratios = [], []
            for cat, native_m, client_m, render_m in (("prompt", "NativePrompt", "ClientPrompt", "RenderPrompt"),
                                                      ("generation", "NativeGeneration", "ClientGeneration", "RenderGeneration"),
                                                      ("generation, streaming", "NativeGeneration", "ClientGenerationStreaming", "RenderGeneration")):
                n, x, rd = one(c, bench, native_m), one(c, bench, client_m), one(c, bench, render_m)
                if not (n and x and n.get("medianNs") and x.get("medianNs")):
                    continue
                over = x["medianNs"] / n["medianNs"] - 1
                overheads.append((over, cat))
                m = one(c, bench, client_m.replace("Client", peer, 1)) if peer else None
                ratio = x["medianNs"] / m["medianNs"] if m and m.get("medianNs") else None
                if ratio:
                    ratios.append((ratio, cat))
                render = f"{rd['medianNs'] / n['medianNs'] * 100:,.1f}%" if rd and rd.get("medianNs") else "—"
                rows.append([runtime, cat, fmt(rate(x)), fmt(rate(n)), f"{over * 100:,.1f}%", render, fmt(rate(m)) if peer else "—", fmt(ratio) if peer else "—"])
            if overheads:
                worst = max(overheads)
                self.target(f"{runtime} adapter overhead ≤ 10% of the tight native loop (largest)", f"{worst[0] * 100:,.1f}% ({worst[1]})", worst[0] <= 0.10)
            if ratios:
                self.target(f"{runtime}: ToolLoop's client time ÷ Microsoft's OnnxRuntimeGenAIChatClient (largest; no target in the issue)",
                            f"{fmt(max(ratios)[0])}× ({max(ratios)[1]})", None)
        if rows:
            self.table(["Runtime", "Phase", "ToolLoop token/s", "native token/s", "overhead", "of it: render", "Microsoft's client token/s", "ToolLoop ÷ Microsoft"], rows)
        rows = []
        for runtime, bench, peer, _ in self.RUNTIMES:
            c = pick(self.cases, bench)
            n, x = one(c, bench, "NativeFirstToken"), one(c, bench, "ClientFirstToken")
            m = one(c, bench, f"{peer}FirstToken") if peer else None
            if n and x and n.get("medianNs") and x.get("medianNs"):
                rows.append([runtime, fmt_time(x["medianNs"]), fmt_time(n["medianNs"]), f"{(x['medianNs'] / n['medianNs'] - 1) * 100:,.1f}%",
                             fmt_time(m and m.get("medianNs")) if peer else "—"])
        if rows:
            self.lines += ["First token from a new client on an already loaded model (a cold client in a warm process: its setup, "
                           "the short prompt, one token), next to a new native context or generator doing the same:", ""]
            self.table(["Runtime", "ToolLoop", "native", "overhead", "Microsoft's client"], rows)
        for runtime, _, _, kv in self.RUNTIMES:
            for x in pick(self.cases, kv):
                e = x.get("extra", {})
                if "decodedWithReuse" in e:
                    ratio = e["decodedWithReuse"] / e["finalPromptTokens"]
                    self.lines += [f"KV reuse over a {int(e.get('rounds', 5))}-round tool loop ({runtime}): "
                                   f"{int(e['decodedWithReuse']):,} tokens decoded with reuse, {int(e['decodedWithoutReuse']):,} without, "
                                   f"final prompt {int(e['finalPromptTokens']):,} tokens ({ratio:.2f}×).", ""]
                    self.target(f"KV reuse decodes ≤ 1.2× the final prompt's tokens over 5 rounds ({runtime})", f"{ratio:.2f}×", ratio <= 1.2)
                    break


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    results = args[0]
    opt = lambda name: args[args.index(name) + 1] if name in args else None
    cases, host = load(results)
    r = Report(cases)
    r.whole()
    r.streaming()
    r.hostile()
    r.loop()
    r.templates(opt("--jinja2"))
    r.adapters()
    # Targets whose benchmarks did not run are listed, not dropped.
    labels = " ".join(t for t, _, _ in r.targets)
    for runtime, bench, _, kv in Report.RUNTIMES:
        if f"{runtime} adapter overhead" not in labels:
            r.target(f"{runtime} adapter overhead ≤ 10% of the tight native loop", f"not measured (no {bench} in this run)", None)
        if f"KV reuse decodes ≤ 1.2× the final prompt's tokens over 5 rounds ({runtime})" not in labels:
            r.target(f"KV reuse decodes ≤ 1.2× the final prompt's tokens over 5 rounds ({runtime})", f"not measured (no {kv} in this run)", None)
    measured = (f"Measured {date.today().isoformat()} on {host['processor']} ({host['logicalCores']} logical cores), "
                f"{host['runtime']}; BenchmarkDotNet job: {opt('--job') or 'default'}; medians.")
    targets = ["| Target | Figure | |", "|---|---:|---|"] + [f"| {t} | {f} | {s} |" for t, f, s in r.targets]
    out = [f"Measured {date.today().isoformat()} on {host['processor']} ({host['logicalCores']} logical cores), {host['os']}, "
           f"{host['runtime']} (SDK {host['sdk']}), BenchmarkDotNet job: {opt('--job') or 'default'}; figures are medians.", "",
           "#### Targets (issue 13)", ""] + targets
    out += [""] + r.lines
    text = "\n".join(out).rstrip() + "\n"
    readme, main_readme = opt("--readme"), opt("--main-readme")
    if readme:
        replace_section(readme, BEGIN, END, text)
    else:
        print(text)
    if main_readme:
        replace_section(main_readme, HEADLINE_BEGIN, HEADLINE_END,
                        measured + " Details and baselines: [benchmarks/README.md](benchmarks/README.md#results).\n\n" + "\n".join(targets) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
