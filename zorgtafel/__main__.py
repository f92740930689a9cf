"""``python -m zorgtafel`` runs the same command group as the ``zorgtafel`` script."""

from zorgtafel.cli import cli

cli()
