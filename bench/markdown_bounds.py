"""Time Markdown rendering on the worst inputs known and on the seeded debate's texts.

    .venv/bin/python -m bench.markdown_bounds                 # Crux's renderer (cmark + nh3)
    .venv/bin/python -m bench.markdown_bounds --repeat 50
    .venv/bin/python -m bench.markdown_bounds --python-markdown   # the renderer before issue 15

Prints p50 and max milliseconds per input (each rendered --repeat times), slowest first, then
over all of them. The inputs are tests/test_markdown_bounds.py's WORST_CASES, each as long as
the details field allows, and every details and context text of debates/seed/karabakh.json.
--python-markdown renders with Python-Markdown (pip install Markdown) and nh3 as Crux did before,
for comparison; each of its inputs is rendered once, as some take seconds.
"""

import argparse
import os
import statistics
import time

import django
import nh3


def python_markdown(text: str) -> str:
    import markdown  # optional: only this comparison needs it

    from debates.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def timings(render, text: str, repeat: int) -> tuple[list[float], str]:
    """Milliseconds per rendering, and a note if it failed (Python-Markdown overflows its stack
    on some nestings: a 500 in the site)."""
    result, note = [], ""
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            render(text)
        except RecursionError:
            note = " (RecursionError)"
        result.append((time.perf_counter() - start) * 1000)
    return result, note


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--python-markdown", action="store_true")
    args = parser.parse_args(argv)
    # The inputs' length is the details field's limit, read from the model.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from debates.rendering import render_markdown
    from tests.test_markdown_bounds import WORST_CASES, seed_texts

    render, repeat = render_markdown, max(1, args.repeat)
    if args.python_markdown:
        render, repeat = python_markdown, 1
    inputs = dict(WORST_CASES)
    inputs |= {f"seed text {i}": text for i, text in enumerate(seed_texts(), 1)}

    rows = []
    for name, text in inputs.items():
        samples, note = timings(render, text, repeat)
        rows.append((max(samples), statistics.median(samples), name + note, len(text)))
    rows.sort(reverse=True)
    print(f"{'input':45} {'chars':>6} {'p50 ms':>8} {'max ms':>8}")
    for worst, median, name, length in rows:
        print(f"{name:45} {length:6} {median:8.2f} {worst:8.2f}")
    medians = [median for _, median, _, _ in rows]
    print(
        f"{len(rows)} inputs x {repeat}: p50 of p50s {statistics.median(medians):.2f} ms, "
        f"max {max(worst for worst, *_ in rows):.2f} ms"
    )


if __name__ == "__main__":
    main()
