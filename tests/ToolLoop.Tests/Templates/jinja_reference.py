"""Reference renderer for ToolLoop's chat-template comparison test.

Renders chat templates with Python's Jinja2 configured the way Hugging Face transformers
renders chat templates (transformers/utils/chat_template_utils.py, _compile_jinja_template):
an ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols
extension, a {% generation %} block rendered as its body, a tojson filter that keeps non-ASCII,
raise_exception, and strftime_now with a fixed clock.

Input (stdin): one JSON document {"now": "YYYY-MM-DDTHH:MM:SS", "cases": [{"id", "template", "context"}]}
where "template" is a path. Output (stdout): one JSON object per case and line:
{"id", "ok": true, "output"} or {"id", "ok": false, "kind", "error"}. When the sandbox refuses a
template (kind "sandbox", e.g. list.append), the case is rendered again without the sandbox and
"unsandboxed_output" (or "unsandboxed_error") is added, so an engine that allows the operation can
still be compared byte for byte.
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment


class GenerationBlock(Extension):
    """{% generation %}...{% endgeneration %} renders its body (transformers' AssistantTracker
    does the same when no assistant mask is requested)."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_generation_support"), [], [], body).set_lineno(lineno)

    def _generation_support(self, caller):
        return caller()


def make_environment(now, sandboxed=True):
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return now.strftime(format)

    env_type = ImmutableSandboxedEnvironment if sandboxed else jinja2.Environment
    env = env_type(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationBlock, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def main():
    request = json.load(sys.stdin)
    now = datetime.fromisoformat(request["now"])
    env = make_environment(now)
    plain_env = make_environment(now, sandboxed=False)
    compiled = {}
    out = sys.stdout
    for case in request["cases"]:
        result = {"id": case["id"]}
        try:
            path = case["template"]
            if path not in compiled:
                try:
                    with open(path, encoding="utf-8") as f:
                        compiled[path] = env.from_string(f.read())
                except Exception as e:  # keep the compile error for every case of this template
                    compiled[path] = e
            template = compiled[path]
            if isinstance(template, Exception):
                raise template
            result["output"] = template.render(**case["context"])
            result["ok"] = True
        except jinja2.exceptions.SecurityError as e:
            result.update(ok=False, kind="sandbox", error=f"{type(e).__name__}: {e}")
            try:
                with open(case["template"], encoding="utf-8") as f:
                    result["unsandboxed_output"] = plain_env.from_string(f.read()).render(**case["context"])
            except Exception as e2:
                result["unsandboxed_error"] = f"{type(e2).__name__}: {e2}"
        except Exception as e:
            result.update(ok=False, kind="template", error=f"{type(e).__name__}: {e}")
        out.write(json.dumps(result, ensure_ascii=True) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
