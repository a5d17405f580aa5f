"""`python -m consent_server`: the `consent-server` command, for when the script is not on PATH."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main(prog_name="python -m consent_server")
