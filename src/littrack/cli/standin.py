"""`littrack stub-pubmed`: serve the PubMed stand-in on loopback until Ctrl-C."""

from __future__ import annotations

from pathlib import Path

import typer

from littrack.cli import app
from littrack.cli.common import console
from littrack.pubmed.standin import DEFAULT_PORT, Corpus, StandIn


@app.command("stub-pubmed")
def stub_pubmed(
    corpus: list[Path] = typer.Option(
        None, "--corpus", help="PubMed XML (.xml, .xml.gz) file or folder to serve; repeatable.", show_default=False
    ),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port on 127.0.0.1 (0: any free port)."),
    synthetic: int = typer.Option(0, "--synthetic", help="Also serve N generated records."),
    seed: int = typer.Option(0, "--seed", help="Seed of the generated records."),
) -> None:
    """Serve a local PubMed stand-in (ESearch/EFetch) until Ctrl-C.

    For the demo and for trying the pipeline offline: point `[pubmed] base_url` at the
    address it prints.
    """
    records = Corpus.build(corpus or (), synthetic=synthetic, seed=seed)
    with StandIn(records, port=port) as server:
        try:
            console.print(f"PubMed stand-in serving {len(records)} records at {server.base_url}", highlight=False)
            console.print("Press Ctrl-C to stop.")
            server.wait()
        except KeyboardInterrupt:
            console.print("stopped")
