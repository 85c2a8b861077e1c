using System.Text.Json.Nodes;
using Xunit;

namespace ToolLoop.Tests.Templates;

/// <summary>
/// Small templates that exercise one engine feature each, rendered by ToolLoop and by Python's Jinja2
/// (configured like transformers) with the same variables: outputs must be byte-identical, and where
/// Jinja2 raises, ToolLoop must raise a <see cref="TemplateException"/>.
/// </summary>
public sealed class EngineFeatureComparisonTests(ITestOutputHelper output)
{
    private const string Variables = """
        {
          "s": "  Hello, World!  ", "u": "Zürich ☀️ 東京", "n": 7, "f": 2.5, "big": 1e20, "small": 0.0001, "tiny": 1e-05,
          "neg": -3, "t": true, "nul": null, "empty": "", "lst": [3, 1, 2], "words": ["b", "A", "c", "a"],
          "d": {"b": 2, "a": 1, "items": "key named items"}, "nested": {"x": {"y": [10, 20, {"z": "deep"}]}},
          "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1, "b": [1, 2], "c": "x\"y"}}}]}],
          "quote": "it's \"q\"", "ml": "line1\nline2\n\nline4", "unicode_json": {"k": "é\u2028\n\t\u0001"},
          "big_int": 12345678901234567890, "neg_big": -98765432109876543210987654321, "edge64": 9223372036854775807,
          "big_args": {"id": 12345678901234567890, "ids": [18446744073709551616, -9223372036854775809], "n": 2.5},
          "cp_words": ["j", "İl", "ｑ", "𝑥", "a", "B", "Éa", "ß", "z", "Σ"],
          "cp_dict": {"𝑥": 1, "ｑ": 2, "j": 3, "İl": 4, "A": 5, "a": 6},
          "emoji_s": "😀x😀ab", "turkish": "İstanbul", "greek": "ΣΑΣ ΟΔΟΣ ΣΑΣ.", "ligatures": "ﬁne ŉ ǆemal ǅ ß"
        }
        """;

    public static readonly string[] Templates =
    [
        // whitespace control, trim_blocks, lstrip_blocks
        "a\n  {% if t %}\n  yes\n  {% endif %}\nb",
        "a  {%- if t -%}  x  {%- endif -%}  b",
        "{% for i in lst %}\n{{ i }}\n{% endfor %}\n",
        "  {{ n }}  {% if t %}x{% endif %}  \n  {# c #}\nz",
        "{%+ if t %}x{% endif %}|  {%+ if t +%}\ny{% endif %}",
        "{% raw %}{{ not rendered }}{% endraw %}|  {% raw -%}  x  {%- endraw %}",
        "{#- comment -#}  a  {#+ c +#}\nb\n",
        "line\r\nwindows\r\n",
        "x\n\n",
        "{{ '{{' }} {{ \"}}\" }} {{ {'a': {'b': 1}}['a']['b'] }}",
        // literals and printing
        "{{ 1 }} {{ 1.0 }} {{ -0.0 }} {{ 1.5e3 }} {{ big }} {{ small }} {{ tiny }} {{ 10/4 }} {{ 10/5 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2**10 }} {{ 2**-1 }} {{ 1_000 }}",
        "{{ none }} {{ true }} {{ True }} {{ nul }} {{ [1, 'a', none, true, 2.0] }} {{ (1,) }} {{ (1, 'b') }} {{ {'a': [1, {'b': none}]} }} {{ quote }} {{ [quote] }}",
        "{{ ['x\\ny', \"it's\", 'é', '\\t'] }} {{ {1: 2, 'k': 1.5} }} {{ undefined_var }}|{{ d }}",
        "{{ 'a' 'b' }} {{ \"\\u00e9\\x41\\101\\n\" }} {{ 'c:\\d' }}",
        // operators
        "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'ab' * 3 }} {{ [1] * 2 }} {{ 'a' ~ 1 ~ none ~ undefined_var }} {{ 1 ~ (2 + 3) }} {{ -n|abs }} {{ not t }} {{ not nul is none }}",
        "{{ 1 < 2 < 3 }} {{ 3 > 2 > 2 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == 1.0 }} {{ 'a' in 'cat' }} {{ 2 in lst }} {{ 'a' in d }} {{ 'z' not in d }} {{ 1 == true }}",
        "{{ t and 'x' }} {{ nul or 'y' }} {{ 0 or [] or 'z' }} {{ '' and 1 }} {{ 'yes' if t else 'no' }} {{ 'yes' if nul }}|{{ 'a' if false else 'b' if true else 'c' }}",
        "{{ lst + [4] }} {{ s + u }} {{ n - 2.5 }} {{ f * 2 }} {{ n / 2 }}",
        // chains of +: strings joined at once, any other operand added step by step
        "{{ 'a' + s + 'b' + u + '!' }}|{{ [1] + [2] + lst }}|{{ 1 + 2 + n }}|{{ n + 1.5 + f }}|{{ s + 'x' ~ 1 ~ 'y' + 'z' }}|{{ 'a' + ('b' + 'c') + 'd' }}|{% set v = 'p' + 'q' + 'r' %}{{ v + v + v }}|{{ ('a' + 'b' + 'c')|upper }}|{{ '' + '' + '' }}|{{ ('a' + 'b' + 'c')[1:] }}",
        "{{ ('<b>'|safe) + '<i>' + '&' }}|{{ '<' + '>' + ('&'|safe) + '<' }}|{{ ('x'|safe) + 'y' + 'z' }}|{{ ('a' + 'b' + ('<'|safe)) is string }}",
        "{{ 'a' + 'b' + n }}",
        "{{ n + 1 + 'a' }}",
        "{{ 'a' + 'b' + undefined_var + 'c' }}",
        "{{ 'a' + 'b' + nul }}",
        "{% set x = 'a' + 'b' + lst %}",
        // attributes, items, slicing
        "{{ d.a }} {{ d['b'] }} {{ d.items is defined }} {{ d['items'] }} {{ d.missing is defined }} {{ nested.x.y[2].z }} {{ nested['x']['y'][-1]['z'] }} {{ lst.0 }} {{ lst[5] is defined }} {{ nul.attr is defined }}",
        "{{ s[2:7] }}|{{ s[::-1] }}|{{ lst[::-1] }}|{{ lst[1:] }}|{{ lst[:-1] }}|{{ u[-2:] }}|{{ s[::3] }}|{{ lst[-10:10] }}|{{ s[100:] }}|{{ u[0] }}{{ u[-1] }}",
        // loops
        "{% for x in lst %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.length }}/{{ loop.first }}/{{ loop.last }};{% endfor %}",
        "{% for x in lst %}{{ loop.previtem is defined }}{{ loop.previtem }}-{{ loop.nextitem }}|{% endfor %}",
        "{% for x in [] %}a{% else %}empty{% endfor %}|{% for x in lst if x > 1 %}{{ x }}{{ loop.index }}{% endfor %}|{% for x in lst %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}",
        "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{% for k in d %}{{ k }}{% endfor %}|{% for c in 'abc' %}{{ c }}.{% endfor %}|{% for a, b in [[1, 2], (3, 4)] %}{{ a + b }}{% endfor %}",
        "{% for x in lst %}{% for y in 'ab' %}{{ loop.index }}{{ y }}{% endfor %}{{ loop.index }}{% endfor %}|{% for x in lst %}{{ loop.cycle('o', 'e') }}{% endfor %}",
        "{% set x = 0 %}{% for i in lst %}{% set x = i %}{{ x }}{% endfor %}{{ x }}",
        "{% set ns = namespace(total=0, items=[]) %}{% for i in lst %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }} {{ ns.items }}",
        "{% for m in msgs %}{% if m.role == 'assistant' %}{% for tc in m.tool_calls %}{{ tc.function.name }}({{ tc.function.arguments | tojson }}){% endfor %}{% endif %}{% endfor %}",
        // set, macros, call, filter blocks
        "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c = a, b %}{{ c }}|{% set blk %}  inner {{ n }}  {% endset %}[{{ blk }}]|{% set up | upper | trim %} x {% endset %}[{{ up }}]",
        "{% macro greet(name, greeting='Hi', punct=none) %}{{ greeting }} {{ name }}{{ punct or '!' }}{% endmacro %}{{ greet('Bob') }} {{ greet('Al', greeting='Yo') }} {{ greet('Cy', 'Hey', '?') }}",
        "{% macro m() %}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, k=3) }}|{% macro w(x) %}[{{ caller(x) }}]{% endmacro %}{% call(v) w(5) %}got {{ v }}{% endcall %}",
        "{% macro rec(k) %}{% if k > 0 %}{{ k }}{{ rec(k - 1) }}{% endif %}{% endmacro %}{{ rec(4) }}|{% filter upper %}abc {{ n }}{% endfilter %}|{% generation %}gen{% endgeneration %}",
        "{% set x = 5 %}{% macro show() %}{{ x }}{% endmacro %}{% set x = 6 %}{{ show() }}|{% with y = 3 %}{{ y }}{% endwith %}{{ y is defined }}",
        // filters
        "{{ s|trim }}|{{ s|length }}|{{ u|length }}|{{ lst|length }}|{{ d|length }}|{{ s|upper }}|{{ s|lower }}|{{ 'hello world'|title }}|{{ 'hELLO'|capitalize }}|{{ s|replace('l', 'L') }}|{{ s|replace('l', 'L', 1) }}",
        "{{ lst|join(',') }}|{{ words|sort|join }}|{{ words|sort(case_sensitive=true)|join }}|{{ words|sort(reverse=true)|join }}|{{ words|unique|list }}|{{ lst|first }}|{{ lst|last }}|{{ lst|min }}|{{ lst|max }}|{{ lst|sum }}|{{ lst|reverse|list }}|{{ 'abc'|reverse }}",
        "{{ d|dictsort }}|{{ {'b': 2, 'a': 1, 'c': 3}|dictsort(by='value', reverse=true) }}|{{ d|items|list }}|{{ lst|list }}|{{ 'ab'|list }}|{{ d|list }}",
        "{{ msgs|selectattr('role', 'equalto', 'user')|list|length }}|{{ msgs|rejectattr('role', 'equalto', 'user')|map(attribute='role')|join(',') }}|{{ msgs|map(attribute='content')|list }}|{{ lst|select('odd')|list }}|{{ lst|reject('odd')|list }}|{{ msgs|selectattr('tool_calls')|list|length }}|{{ msgs|selectattr('tool_calls', 'defined')|list|length }}",
        "{{ undefined_var|default('dflt') }}|{{ nul|default('x') }}|{{ empty|default('y', true) }}|{{ '42'|int + 1 }}|{{ '4.7'|int }}|{{ 'abc'|int }}|{{ 'abc'|int(9) }}|{{ 3.9|int }}|{{ '2.5'|float }}|{{ n|float }}|{{ n|string + 'x' }}|{{ nul|string }}|{{ 2.567|round(2) }}|{{ 2.5|round }}",
        "{{ d|tojson }}|{{ msgs[2]|tojson }}|{{ u|tojson }}|{{ unicode_json|tojson }}|{{ lst|tojson(indent=2) }}|{{ d|tojson(indent=2, sort_keys=true) }}|{{ {}|tojson(indent=2) }}|{{ [1.0, 1e20, none, true]|tojson }}|{{ d|tojson(separators=(',', ':')) }}|{{ quote|tojson }}",
        "{{ ml|indent }}|{{ ml|indent(2, true) }}|{{ ml|indent(first=true, blank=true) }}|{{ 'a\\nb'|indent('> ') }}|{{ s|wordcount }}|{{ '%s-%05.1f-%d%%'|format('x', 2.25, 3) }}|{{ '<b>'|e }}|{{ 'x'|center(5) }}|",
        "{{ ('a'|safe) + '<b>' }}|{{ '<i>' + ('b'|safe) }}|{{ ('x'|safe) ~ '<y>' }}|{{ ('&'|safe)|length }}|{{ '<a>'|safe|trim }}",
        "{{ ('<%s|%d>'|safe) % ('<b>', 3) }}|{{ ('%(a)s'|safe) % {'a': '&'} }}|{{ ('<{}>'|safe).format('<i>') }}|{{ ('<br>'|safe).join(['<', '>']) }}|{{ ('x'|safe).upper() }}|{{ ('a b'|safe).split() }}",
        // tests
        "{{ n is number }}{{ t is number }}{{ f is float }}{{ n is integer }}{{ t is boolean }}{{ s is string }}{{ d is mapping }}{{ lst is sequence }}{{ d is sequence }}{{ s is iterable }}{{ n is iterable }}{{ undefined_var is iterable }}{{ nul is none }}{{ undefined_var is undefined }}",
        "{{ n is odd }}{{ n is even }}{{ 9 is divisibleby 3 }}{{ n is equalto 7 }}{{ n is eq 7 }}{{ n is ne 7 }}{{ n is gt 3 }}{{ n is lt 3 }}{{ t is true }}{{ nul is false }}{{ 'ab' is lower }}{{ 'AB' is upper }}{{ 2 is in lst }}{{ lst|first is sameas 3 }}{{ 'upper' is filter }}{{ 'odd' is test }}",
        // string methods
        "{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a,b,c'.rsplit(',', 1) }}|{{ s.startswith('  He') }}|{{ s.endswith(('!', '!  ')) }}",
        "{{ s.replace('l', '_') }}|{{ s.upper() }}|{{ s.lower() }}|{{ 'hello wORLD 2x'.title() }}|{{ 'hi {} {}'.format('a', 1) }}|{{ '{0}{name}{0}'.format('*', name='n') }}|{{ 'abc'.find('c') }}|{{ 'a-b-c'.count('-') }}|{{ '-'.join(['x', 'y']) }}|{{ '12'.isdigit() }}|{{ 'ab'.isalpha() }}",
        "{{ d.get('a') }}|{{ d.get('zz') }}|{{ d.get('zz', 'dflt') }}|{{ d.keys()|list }}|{{ d.values()|list }}|{{ d.items()|list }}|{{ lst.index(2) }}|{{ lst.count(1) }}|{{ ml.splitlines() }}|{{ 'a=b=c'.partition('=') }}",
        // globals
        "{{ range(3)|list }}|{{ range(1, 10, 3)|list }}|{{ range(5, 0, -2)|list }}|{% for i in range(2) %}{{ i }}{% endfor %}|{{ dict(a=1, b='x') }}|{{ namespace(a=1).a }}|{{ strftime_now('%Y-%m-%d %H:%M %b %d %B %A') }}",
        // lexer corner cases
        "a  \n\t {%- if t %}\n\tx{% endif -%}  \n  {{ n -}}  \n {{- n }}\n\t{# c #}\t\n{%- raw %} r {% endraw -%}\n",
        "{{ \"%}\" }}{% set x = \"{{\" %}{{ x }}{{ '\\'' }}{{ \"\\\\n\" }}{{ {'a': 1,} }}{{ [1, 2,] }}{{ (1,) }}{{ s|trim|upper|lower }}",
        "{{ -1|abs }} {{ - n|string }} {{ not nul is none }} {{ not 1 in lst }} {{ 2 * -1 }} {{ (lst|length) - 1 }} {{ lst|length - 1 }} {{ 1 if t }}{{ 'x' if nul }}",
        "{% if t %}\n    a\n{% elif n %}\n    b\n{% else %}\n    c\n{% endif %}\n{% for x in lst -%}\n  {{ x }}\n{%- endfor %}\nend",
        "  {%- macro m(a) -%}\n  [{{ a }}]\n  {%- endmacro -%}\n  {{ m(1) }}{{ m('b') }}\n  {% set y %}\n    inner\n  {% endset %}{{ y }}|",
        "{% for m in msgs %}{{ '<|' + m.role + '|>' }}{% if m.tool_calls is defined %}{% for tc in m.tool_calls %}{% for k, v in tc.function.arguments|dictsort %}{{ k }}:{{ v|tojson if v is not string else v }};{% endfor %}{% endfor %}{% endif %}{% endfor %}",
        "{{ lst|groupby('real')|list|length if false else 'skip' }}|{{ [{'k': 'a', 'v': 1}, {'k': 'b', 'v': 2}, {'k': 'a', 'v': 3}]|groupby('k')|map('list')|list }}|{{ lst|slice(2)|list }}",
        "{% for x in [[1, [2, 3]], [4]] recursive %}[{% if x is iterable %}{{ loop(x) }}{% else %}{{ x }}{% endif %}]{% endfor %}",
        "{% for a in lst %}{% for b in lst %}{{ loop.depth }}{{ loop.changed(a) }}{% endfor %}{% endfor %}",
        "{{ 'Hello {name}, you are {age:>4}!'.format(name='Bo', age=7) }}|{{ '{:.2f}|{:5d}|{:<4}|{:^5}|'.format(3.14159, 42, 'ab', 'c') }}|{{ '%-5s|%5s|%.1f|%x|%r' % ('a', 'b', 2.25, 255, 'q') }}",
        "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 0xff_ff }} {{ 1E3 }} {{ 2e-2 }} {{ 1_0.5 }} {{ 1.5E+2 }} {{ lst.0 }} {{ nested.x.y.1 }} {{ 3.0 }} {{ 10 // 3.0 }} {{ 2 ** 0.5 }} {{ -2 ** 2 }} {{ (-2) ** 2 }}",
        // scoping
        "{% set x = 1 %}{% for i in lst %}{{ x }}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}|{% for i in lst %}{% if i == 3 %}{% set y = 5 %}{% endif %}{{ y }},{% endfor %}{{ y }}",
        "{% for m in msgs %}{% macro tag() %}<{{ m.role }}>{% endmacro %}{{ tag() }}{% endfor %}|{% set message = 'outer' %}{% for message in msgs %}{% endfor %}{{ message }}",
        "{% set ns = namespace(n=0) %}{% macro bump() %}{% set ns.n = ns.n + 1 %}{% endmacro %}{{ bump() }}{{ bump() }}{{ ns.n }}|{% macro local() %}{% set z = 9 %}{{ z }}{% endmacro %}{{ local() }}{{ z is defined }}",
        "{% if t %}{% set top = 'set-in-if' %}{% endif %}{{ top }}|{% for i in lst %}{% set blk %}{{ i }}!{% endset %}{{ blk }}{% endfor %}{{ blk is defined }}",
        "{% set ns = namespace(found=false) %}{% for m in msgs[::-1] %}{% if not ns.found and m.role == 'user' %}{% set ns.found = true %}{% set ns.idx = loop.index0 %}{% endif %}{% endfor %}{{ ns.found }}{{ ns.idx }}",
        // ints beyond 64 bits: literals, inputs, arithmetic, printing, JSON, comparison with floats
        "{{ 12345678901234567890 }} {{ big_int }} {{ neg_big }} {{ big_int + 1 }} {{ edge64 + 1 }} {{ -edge64 - 2 }} {{ big_int * big_int }} {{ -big_int }} {{ big_int // 7 }} {{ big_int % 7 }} {{ neg_big // 7 }} {{ neg_big % 7 }} {{ 2 ** 100 }} {{ (-3) ** 41 }} {{ 0x1_0000_0000_0000_0000 }}",
        "{{ big_int|tojson }} {{ big_args|tojson }} {{ big_args }} {{ [big_int, neg_big] }} {{ big_int|string }} {{ big_int|abs }} {{ neg_big|abs }} {{ big_int|int }} {{ '99999999999999999999'|int }} {{ ' -1_000_000_000_000_000_000_000 '|int }} {{ 1e20|int }} {{ '1e20'|int }} {{ big_int|float }} {{ neg_big|float }}",
        "{{ big_int > 1e19 }} {{ big_int == 12345678901234567890.0 }} {{ 12345678901234567890.0 == 12345678901234567892 }} {{ 9007199254740993 == 9007199254740992.0 }} {{ 9007199254740993 > 9007199254740992.0 }} {{ big_int is integer }} {{ big_int is number }} {{ big_int is odd }} {{ big_int is divisibleby 10 }} {{ [big_int, 3, 2.5]|sort }} {{ [big_int, 1]|max }} {{ {big_int: 'x'}[big_int] }} {{ {big_int: 'x'}[12345678901234567890.0] }}",
        "{{ big_int / 3 }} {{ (2 ** 53 + 1) / 1 }} {{ 10 ** 30 / 3 }} {{ big_int / neg_big }} {{ 1 / 3 }} {{ 2 ** 64 / 2 ** 10 }} {{ big_int|round(-5) }} {{ 15|round(-1) }} {{ 25|round(-1) }} {{ -25|round(-1) }} {{ 5|round(2) }} {{ big_int - big_int }} {{ (big_int - big_int) is integer }} {{ big_int * 0.5 }} {{ range(big_int, big_int + 3)|list }}",
        "{% for k, v in big_args|dictsort %}{{ k }}={{ v }};{% endfor %}|{{ '%d|%x|%s|%r|%10d|%-25d|%+d' % (big_int, big_int, big_int, neg_big, 5, big_int, big_int) }}|{{ '{}|{:,}|{:x}|{:>30}|{:e}'.format(big_int, big_int, big_int, neg_big, big_int) }}",
        // exact float arithmetic
        "{{ 7.5 // 2 }} {{ -7.5 // 2 }} {{ 7.5 % -2 }} {{ -0.0 % 5 }} {{ 5 % -0.5 }} {{ -7 // 2.0 }} {{ 1e308 * 10 }} {{ 3 ** -2 }} {{ 2 ** 0.5 }} {{ -8 // 3 }} {{ -8 % 3 }} {{ 0.1 + 0.2 }} {{ 1e16 }} {{ 1e-5 }} {{ 123456789012345678.0 }}",
        // strings are code points: ordering
        "{{ cp_words|sort|join(',') }}|{{ cp_words|sort(case_sensitive=true)|join(',') }}|{{ cp_words|sort(reverse=true)|join(',') }}|{{ cp_dict|dictsort }}|{{ cp_dict|dictsort(true) }}|{{ cp_dict|dictsort(by='value', reverse=true) }}",
        "{{ cp_words|min }}|{{ cp_words|max }}|{{ cp_words|min(case_sensitive=true) }}|{{ cp_words|max(case_sensitive=true) }}|{{ cp_dict|tojson(sort_keys=true) }}|{{ cp_words|unique|list }}|{{ 'ｑ' < '𝑥' }}|{{ '\uffff' < '𝑥' }}|{{ ['𝑥', 'ｑ']|sort|first }}|{{ cp_words|groupby('0')|map(attribute='grouper')|list }}",
        // strings are code points: indexes, widths, padding
        "{{ emoji_s.find('x') }} {{ emoji_s.rfind('😀') }} {{ emoji_s.index('b') }} {{ emoji_s.rindex('😀') }} {{ emoji_s.find('x', 2) }} {{ emoji_s.find('😀', 1, 3) }} {{ emoji_s.count('😀', 1) }} {{ emoji_s.count('') }} {{ emoji_s.startswith('x', 1) }} {{ emoji_s.endswith('😀', 0, 3) }} {{ emoji_s.find('a', -2) }} {{ emoji_s.find('', 9) }}",
        "[{{ emoji_s.center(9, '*') }}][{{ emoji_s.ljust(8, '🎉') }}][{{ emoji_s.rjust(8) }}][{{ emoji_s|center(10) }}][{{ emoji_s.zfill(8) }}][{{ emoji_s|truncate(5, true, '…', 0) }}][{{ emoji_s|truncate(6, false, '.', 0) }}][{{ 'a😀 b😀 c'|truncate(6, false, '!', 0) }}]",
        "[{{ '%-6s|%6s|%.2s|%3c|%c' % (emoji_s, emoji_s, emoji_s, '😀', 128512) }}][{{ '{:>8}|{:^8}|{:<8}|{:.3}|{:😀^7}'.format(emoji_s, emoji_s, emoji_s, emoji_s, 'ab') }}][{{ '😀\t😀😀\tx'.expandtabs(4) }}][{{ '😀a😀'.strip('😀') }}][{{ '😀a😁'.rstrip('😀😁') }}]",
        // full case mapping (Python's unicodedata), Final_Sigma, Jinja's own title filter
        "{{ turkish.lower() }}|{{ turkish.lower()|length }}|{{ 'ß'.upper() }}|{{ 'ß'.swapcase() }}|{{ 'ǆ'.title() }}|{{ 'ǆemal'.capitalize() }}|{{ greek.lower() }}|{{ greek.title() }}|{{ greek.swapcase() }}|{{ greek.capitalize() }}|{{ ligatures.upper() }}|{{ ligatures.lower() }}|{{ ligatures.title() }}|{{ ligatures.swapcase() }}|{{ 'Straße ǅ'.casefold() }}",
        "{{ turkish|lower }}|{{ 'ß'|upper }}|{{ ligatures|title }}|{{ 'hello wORLD 2x-ray (a)[b]<c> {d}'|title }}|{{ 'hello wORLD 2x'.title() }}|{{ ligatures|capitalize }}|{{ 'ǅ'.isupper() }}{{ 'ǅ'.istitle() }}{{ 'ǅ'.islower() }}{{ 'ß'.islower() }}{{ 'ª'.islower() }}{{ 'İ'.isupper() }}{{ 'Ǆemal'.istitle() }}{{ 'ǅemal'.istitle() }}|{{ 'ǆ' is lower }}{{ 'Σ' is upper }}",
        "{{ '𝑥'.isalpha() }}{{ '٣'.isdigit() }}{{ '٣'.isdecimal() }}{{ 'Ⅷ'.isnumeric() }}{{ 'Ⅷ'.isdigit() }}{{ '²'.isdigit() }}{{ '²'.isdecimal() }}{{ '\u3000'.isspace() }}{{ '\u200b'.isspace() }}{{ 'a😀'.isalnum() }}|{{ '٣٤'|int }}|{{ ' ١٢.٥ '|float }}|{{ '1__0'|int(7) }}|{{ '0x1f'|int(0, 16) }}|{{ '0x1f'|int(base=16) }}|{{ 'inf'|float }}|{{ '1_0.5'|float }}|{{ ('x\u3000y\u2028z'|string).split() }}",
        // round on the exact binary value, float formats
        "{{ 2.675|round(2) }} {{ 0.125|round(2) }} {{ 0.375|round(2) }} {{ 2.5|round }} {{ 3.5|round }} {{ -0.5|round }} {{ 1234.5678|round(-2) }} {{ 1.005|round(2) }} {{ 2.675|round(2, 'floor') }} {{ 2.671|round(2, 'ceil') }} {{ 1e300|round(2) }} {{ 0.1|round(20) }} {{ 1.5|round(0, 'floor') }} {{ 2|round(1, 'ceil') }} {{ 1e22|round(-22) }} {{ 123.456|round(-1, 'floor') }}",
        "{{ '%.2f|%.0f|%.0f|%e|%g|%G|%.3g|%10.4f|%-10.2e|%+d|% d|%05d|%-5d|%x|%#x|%#o|%X|%c|%.3d|%+.1f|%g|%g|%#g|%.0e|%#.0f|%i' % (0.125, 2.5, 3.5, 12345.678, 0.0001234, 1e20, 3.14159, -2.5, 123.456, 5, 7, -42, -42, 255, 255, 8, 255, 233, 5, -0.04, 1e-5, 123456789.0, 1.0, 15.5, 3.0, 2.9) }}",
        "{{ '{:.2f}|{:e}|{:g}|{:,}|{:_}|{:08.3f}|{:+.1%}|{:x}|{:#b}|{:=+8d}|{:.3}|{}|{:.0f}|{:.3}|{:.10}|{:G}|{:>10.3e}|{:<+9,.2f}|{: d}|{:,.2f}|{:.1f}|{:z.1f}'.format(2.675, 0.000123, 1234567.0, 1234567, 10**20, -3.14159, 0.256, 255, 5, 42, 3.14159, 1e16, 0.5, 1234.5, 1/3, 1e-10, 12345.6789, 1234.5, 7, 1234567.891, -0.04, -0.04) }}",
        // wordcount splits like Jinja2 (\w+ runs)
        "{{ 'Hello, World! foo_bar 42 x-y'|wordcount }} {{ 'Ünïcödé wörds ☀️ here 東京'|wordcount }} {{ ''|wordcount }} {{ '...'|wordcount }} {{ s|wordcount }} {{ 'a\u3000b'|wordcount }}",
        // errors (Jinja2 raises; ToolLoop must raise too)
        "{{ raise_exception('custom failure') }}",
        "{{ undefined_var.attr }}",
        "{{ undefined_var['k'] }}",
        "{{ 1 + 'a' }}",
        "{{ 'a' + 1 }}",
        "{{ n|nonexistent_filter }}",
        "{% if t %}{{ n|nonexistent_filter }}{% endif %}",
        "{% if false %}{{ n|nonexistent_filter }}{% endif %}ok",
        "{% for x in nul %}{% endfor %}",
        "{{ nul|length }}",
        "{% if %}",
        "{% for x in lst %}",
        "{{ lst.append(4) }}{{ lst }}{% set _ = lst.extend([5, 6]) %}{{ lst.pop() }}{{ lst.pop(0) }}{% set _ = lst.insert(1, 9) %}{% set _ = lst.remove(1) %}{{ lst }}{% set _ = lst.sort() %}{{ lst }}{% set _ = lst.reverse() %}{{ lst }}",
        "{% set _ = d.update({'k': 1}) %}{% set _ = d.update(z=2) %}{{ d }}{{ d.pop('a') }}{{ d.pop('nope', 'dflt') }}{{ d.setdefault('n', 3) }}{{ d.popitem() }}{{ d }}{% set _ = d.clear() %}{{ d }}",
        "{{ (1, 2).append }}",
        "{{ undefined_var + 1 }}",
        "{{ 1 / 0 }}",
        "{{ msgs|selectattr('role', 'equalto', 'user')|length }}",
        "{{ undefined_var() }}",
        "{% set x.y = 1 %}",
        "{{ n is nonexistent_test }}",
        "{% endfor %}",
        "{{ 'a' < 1 }}",
        "{% unknowntag %}",
        "{{ 10 ** 5000 }}",
        "{{ 'a' * big_int }}",
        "{{ 'inf'|int }}",
        "{{ big_int|float * 10 ** 300 }}",
        "{{ 0.0 ** -1 }}",
        "{{ 10.0 ** 400 }}",
        "{{ '{:d}'.format(2.5) }}",
        "{{ '%x' % 2.5 }}",
        "{{ '{:s}'.format(5) }}",
        "{{ emoji_s.center(9, '😀😀') }}",
        "{{ range(2.0)|list }}",
        "{{ 2.5|round(1.0) }}",
    ];

    [Fact]
    public void Engine_features_render_like_Jinja2()
    {
        string? python = Environment.GetEnvironmentVariable("TOOLLOOP_PYTHON");
        if (string.IsNullOrEmpty(python) || !File.Exists(python))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("TOOLLOOP_PYTHON is not set in CI: .ci/run must eval \"$(bash eng/fetch-deps.sh)\" first.");
            }

            Assert.Skip("Python's Jinja2 not available: run `eval \"$(bash eng/fetch-deps.sh)\"` (installs python3-jinja2, sets TOOLLOOP_PYTHON), then run the tests again.");
        }

        string dir = Path.Combine(Path.GetTempPath(), "toolloop-engine-features-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var variables = JsonNode.Parse(Variables)!.AsObject();
            variables["add_generation_prompt"] = true;
            var cases = new List<(string Id, string Path, JsonObject Context)>();
            for (int i = 0; i < Templates.Length; i++)
            {
                string path = Path.Combine(dir, $"t{i:000}.jinja");
                File.WriteAllText(path, Templates[i]);
                cases.Add((i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), path, variables));
            }

            var reference = JinjaReference.Run(python, TemplateConversations.FixedNow, cases);
            var failures = new List<string>();
            int rendered = 0, raised = 0;
            var options = TemplateConversations.Options(null);
            for (int i = 0; i < Templates.Length; i++)
            {
                var expected = reference[cases[i].Id];
                string? actual = null;
                TemplateException? error = null;
                try
                {
                    actual = ChatTemplate.Parse(Templates[i]).Render(variables, options);
                }
                catch (TemplateException e)
                {
                    error = e;
                }

                if (expected.Ok)
                {
                    rendered++;
                    if (actual != expected.Output)
                    {
                        failures.Add($"#{i} {Show(Templates[i])}\n   Jinja2:   {Show(expected.Output!)}\n   ToolLoop: {(error is null ? Show(actual!) : "raised " + error.Message)}");
                    }
                }
                else
                {
                    raised++;
                    output.WriteLine($"#{i} Jinja2 {expected.Kind}: {expected.Error} | ToolLoop: {error?.Message ?? "rendered " + Show(actual!)}");
                    if (error is null && expected.Kind == "sandbox" && actual != expected.UnsandboxedOutput)
                    {
                        failures.Add($"#{i} {Show(Templates[i])}\n   unsandboxed Jinja2: {Show(expected.UnsandboxedOutput ?? "(failed)")}\n   ToolLoop: {Show(actual!)}");
                    }

                    if (error is null && expected.Kind != "sandbox")
                    {
                        failures.Add($"#{i} {Show(Templates[i])}\n   Jinja2 raised {expected.Error}\n   ToolLoop rendered {Show(actual!)}");
                    }
                }
            }

            string summary = $"engine features: {Templates.Length} templates, {rendered} rendered by Jinja2, {raised} raised; {failures.Count} differences";
            output.WriteLine(summary);
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "engine-features.txt"), summary + "\n" + string.Join("\n", failures));
            Assert.True(failures.Count == 0, string.Join("\n", failures));
            Assert.True(rendered > 40 && raised > 15, $"rendered {rendered}, raised {raised}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Show(string s) => System.Text.Json.JsonSerializer.Serialize(s);
}
