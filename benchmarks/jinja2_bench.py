"""Times Python's Jinja2 on the inputs the .NET template benchmarks render (benchmarks/README.md, area 5).

The environment is the one the repository's Jinja2 comparison uses (tests/ToolLoop.Tests/Templates/jinja_reference.py:
transformers' ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, its tojson, a fixed clock).
The inputs come from `ToolLoop.Benchmarks --export-template-inputs DIR`: per template, the mapped variables
(50 messages, 10 tools), the template path and ToolLoop's output, which Jinja2's output must equal.

Per template it measures, as medians:
  fresh process  - a new python3 process: import jinja2, compile the template, render once (the analogue of
                   TemplateColdStartBenchmarks; interpreter start-up itself is excluded);
  compile+render - compile the template text in a new environment and render (TemplateBenchmarks.ParseAndRender);
  render         - render the compiled template (TemplateBenchmarks.Render).

Usage: python3 benchmarks/jinja2_bench.py INPUTS.json [--quick] [--markdown OUT.md]
"""
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE_DIR = os.path.join(HERE, "..", "tests", "ToolLoop.Tests", "Templates")
sys.path.insert(0, REFERENCE_DIR)

from jinja_reference import make_environment  # noqa: E402  (the comparison test's environment, not a copy)

FRESH_PROCESS = r"""
import sys, time, json
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from datetime import datetime
from jinja_reference import make_environment
case = json.load(open(sys.argv[2], encoding="utf-8"))
t1 = time.perf_counter()
env = make_environment(datetime.fromisoformat(case["now"]))
out = env.from_string(open(case["template"], encoding="utf-8").read()).render(**case["context"])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_render_s": t2 - t1, "same": out == case["expected"]}))
"""


def median_seconds(fn, min_time, max_runs):
    """Runs fn repeatedly for at least min_time seconds (and at least 3 times); returns the median of the runs."""
    samples = []
    start = time.perf_counter()
    while len(samples) < 3 or (time.perf_counter() - start < min_time and len(samples) < max_runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples), len(samples)


def fmt_ms(seconds):
    return f"{seconds * 1000:,.2f} ms" if seconds >= 0.001 else f"{seconds * 1e6:,.1f} μs"


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    quick = "--quick" in args
    markdown = None
    if "--markdown" in args:
        markdown = args[args.index("--markdown") + 1]
    request = json.load(open(args[0], encoding="utf-8"))
    now = datetime.fromisoformat(request["now"])
    min_time, max_runs, fresh_runs = (0.2, 20, 1) if quick else (3.0, 2000, 10)

    rows = []
    failed = False
    tmp = os.path.join(os.path.dirname(os.path.abspath(args[0])), "jinja2-case.json")
    for case in request["cases"]:
        source = open(case["template"], encoding="utf-8").read()
        env = make_environment(now)
        compiled = env.from_string(source)
        output = compiled.render(**case["context"])
        same = output == case["expected"]
        failed |= not same

        def compile_and_render():
            make_environment(now).from_string(source).render(**case["context"])

        def render():
            compiled.render(**case["context"])

        compile_render, _ = median_seconds(compile_and_render, min_time, max_runs)
        steady, runs = median_seconds(render, min_time, max_runs)

        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"now": request["now"], "template": case["template"], "context": case["context"], "expected": case["expected"]}, f)
        fresh = []
        for _ in range(fresh_runs):
            result = subprocess.run([sys.executable, "-c", FRESH_PROCESS, REFERENCE_DIR, tmp], capture_output=True, text=True, check=True)
            fresh.append(json.loads(result.stdout))
        first = statistics.median(r["import_s"] + r["first_render_s"] for r in fresh)
        failed |= not all(r["same"] for r in fresh)
        rows.append((case["name"], first, compile_render, steady, runs, same, len(output)))
    os.remove(tmp)

    header = (f"Python {sys.version.split()[0]}, Jinja2 {__import__('jinja2').__version__}; "
              f"{request['messages']} messages, {request['tools']} tools; medians"
              + (" (--quick: few runs, not a measurement)" if quick else ""))
    lines = [header, "",
             "| Template | Jinja2 fresh process (import + compile + render) | Jinja2 compile + render | Jinja2 render | runs | prompt chars | same output as ToolLoop |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, first, compile_render, steady, runs, same, chars in rows:
        lines.append(f"| {name} | {fmt_ms(first)} | {fmt_ms(compile_render)} | {fmt_ms(steady)} | {runs} | {chars:,} | {'yes' if same else 'NO'} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if markdown:
        with open(markdown, "w", encoding="utf-8") as f:
            f.write(text)
    if failed:
        print("jinja2_bench: Jinja2's output differs from ToolLoop's for at least one template", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
