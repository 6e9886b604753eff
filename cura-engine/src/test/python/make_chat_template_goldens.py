#!/usr/bin/python3
"""Golden renderings of the official chat templates, as transformers' apply_chat_template renders
them: Jinja2's ImmutableSandboxedEnvironment with trim_blocks and lstrip_blocks, the loopcontrols
extension, a tojson filter that is json.dumps (no HTML escaping, ensure_ascii False), the globals
raise_exception (raises TemplateError with the message) and strftime_now, and the variables
messages, tools (None), documents (None), add_generation_prompt and the tokenizer's special tokens
(bos_token, eos_token: those it has) plus any extra keyword (date_string, enable_thinking).

Reads resources/chat-templates/*.jinja, writes resources/chat-templates/goldens.json; the Java test
ChatTemplateGoldenTest renders the same cases with CURA's ChatTemplate and compares byte for byte.
Needs only Debian's python3-jinja2 (3.1.x).
"""
import datetime
import json
import os

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
DIR = os.path.join(HERE, "../resources/chat-templates")
# strftime_now renders this instant, so goldens are reproducible (CURA's test fixes its clock too)
NOW = datetime.datetime(2025, 1, 31, 9, 30, 0)

TOKENS = {
    "llama-3.1": ("<|begin_of_text|>", "<|eot_id|>"),
    "qwen2.5": (None, "<|im_end|>"),
    "qwen3": (None, "<|im_end|>"),
    "mistral-v0.3": ("<s>", "</s>"),
    "phi-3": ("<s>", "<|endoftext|>"),
    "gemma-2": ("<bos>", "<eos>"),
    "jinja-features": ("<s>", "</s>"),  # Jinja features, not a model's template
}

SYSTEM = {"role": "system", "content": "You are terse. Answer in one line."}
U1 = {"role": "user", "content": "Hello, how are you?"}
A1 = {"role": "assistant", "content": "Fine, thanks. And you?"}
U2 = {"role": "user", "content": "What is 2+2?\nShow the steps."}
A2 = {"role": "assistant", "content": "2 + 2 = 4."}
ODD_U = {"role": "user", "content": "  Héllo ✓ <b>&amp;</b> \"quotes\" {{ not jinja }}\n\n"}
ODD_A = {"role": "assistant", "content": "\n Spaced answer\twith tab \n"}
THINK_A = {"role": "assistant",
           "content": "<think>\nThe user adds numbers.\n</think>\n\n2 + 2 = 4."}

CASES = [
    ("one user turn, generation prompt", [U1], True, {}),
    ("one exchange", [U1, A1], False, {}),
    ("system, exchange, question", [SYSTEM, U1, A1, U2], True, {}),
    ("system, two exchanges", [SYSTEM, U1, A1, U2, A2], False, {}),
    ("two exchanges", [U1, A1, U2, A2], False, {}),
    ("whitespace, unicode, markup", [ODD_U, ODD_A], False, {}),
    ("roles do not alternate", [U1, U2], True, {}),
    ("assistant with reasoning", [U1, THINK_A, U2, THINK_A], False, {}),
    ("reasoning off", [U1], True, {"enable_thinking": False}),
    ("fixed date", [SYSTEM, U1], True, {"date_string": "01 Jan 2025"}),
]


def environment():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[jinja2.ext.loopcontrols])

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)
    return env


def main():
    env = environment()
    out = []
    for name, (bos, eos) in TOKENS.items():
        with open(os.path.join(DIR, name + ".jinja")) as f:
            template = env.from_string(f.read())
        for title, messages, gen, extra in CASES:
            case = {"template": name, "case": title, "bos_token": bos, "eos_token": eos,
                    "messages": messages, "add_generation_prompt": gen, "kwargs": extra}
            try:
                # like a tokenizer's special_tokens_map, only the tokens it has are passed
                tokens = {k: v for k, v in (("bos_token", bos), ("eos_token", eos)) if v}
                case["output"] = template.render(messages=messages, tools=None, documents=None,
                                                 add_generation_prompt=gen, **tokens, **extra)
            except jinja2.exceptions.TemplateError as e:
                case["error"] = str(e)
            out.append(case)
    with open(os.path.join(DIR, "goldens.json"), "w") as f:
        json.dump({"jinja2": jinja2.__version__, "now": NOW.isoformat(), "cases": out}, f,
                  ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} renderings with jinja2 {jinja2.__version__}")


if __name__ == "__main__":
    main()
