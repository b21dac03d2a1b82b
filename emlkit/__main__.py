"""``python -m emlkit``: the same as the ``emlkit`` command."""

from emlkit.cli import main

main(prog_name="emlkit")
