"""``python -m sim`` is the ``stormdesk`` command."""

from .cli import main

main()
