"""``carenet derive``: a provider network from shared patients in care records.

Registered on the ``carenet`` group by :mod:`carenet_graph.cli`; one call to
:func:`carenet_graph.derive.run.derive`, then a short summary in ``--lang``. DuckDB (and PySpark
for ``--engine spark``) are imported only when the command runs, and their absence is a plain
sentence telling how to install the extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from carenet_graph.cli import CarenetCommand, echo, files, lang_option, output_option, terminal_progress
from carenet_graph.i18n import translate

__all__ = ["derive"]


@click.command(cls=CarenetCommand)
@click.argument("records", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_option("Folder for actors.csv and ties.csv (read by analyze, gaps, map, report), parquet/ and derive/.")
@click.option("--providers", type=click.Path(path_type=Path), default=None,
              help="Table of the providers: id, name, type or specialty, municipality, lat, lon.")
@click.option("--layout", type=click.Choice(["auto", "records", "pairs", "cms"]), default="auto", show_default=True,
              help="records (patient, provider, date), pairs (CMS or DocGraph counts) or cms (CMS without header).")
@click.option("--min-shared", type=click.IntRange(min=1), default=11, show_default=True,
              help="Keep a tie only with at least this many shared patients (CMS: 11).")
@click.option("--window", type=click.Choice(["30", "60", "90", "180", "year", "episode"]), default="year",
              show_default=True, help="Contacts at most this many days apart, in one calendar year, or in one episode.")
@click.option("--episode-gap", type=click.IntRange(min=1), default=30, show_default=True,
              help="Days without a contact that end an episode (--window episode).")
@click.option("--direction", type=click.Choice(["none", "sequence"]), default="none", show_default=True,
              help="sequence: a tie A → B when patients saw A first, then B (referral-like).")
@click.option("--weight", type=click.Choice(["count", "newman", "jaccard"]), default="count", show_default=True,
              help="count of shared patients, Newman's Σ 1/(k−1), or Jaccard overlap.")
@click.option("--max-providers", type=click.IntRange(min=2), default=None,
              help="Cap for patients with very many providers (default: none).")
@click.option("--over-cap", type=click.Choice(["sample", "drop"]), default="sample", show_default=True,
              help="Sample such a patient's providers down to the cap (seeded), or leave the patient out.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the sample.")
@click.option("--suppress-below", type=click.IntRange(min=1), default=11, show_default=True,
              help="No count below this is written (small-cell suppression).")
@click.option("--care-density", is_flag=True, help="Also write Pollack's care density (derive/care_density.csv).")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True,
              help="DuckDB in this process, or Spark (PySpark) for a cluster.")
@click.option("--memory-limit", default="4GB", show_default=True,
              help="Memory the run may use (DuckDB's buffers get 70 %).")
@click.option("--spill-dir", type=click.Path(path_type=Path), default=None,
              help="Folder for what does not fit in memory (DuckDB).")
@click.option("--threads", type=click.IntRange(min=1), default=None, help="DuckDB threads (default: all cores).")
@click.option("--spark-master", default="local[2]", show_default=True, help="Spark master URL (--engine spark).")
@click.option("--key", type=click.Path(path_type=Path), default=None,
              help="Key file: replace provider ids and names with keyed pseudonyms (created if missing).")
@lang_option("Language of the summary.")
def derive(records: tuple[Path, ...], output: Path, providers: Path | None, layout: str, key: Path | None,
           lang: str, **choices: Any) -> None:
    """A provider network from shared patients in care records (CSV or Parquet files, folders, globs)."""
    from carenet_graph.derive.options import DeriveOptions
    from carenet_graph.derive.run import derive as run_derive
    from carenet_graph.output.guard import check_outputs, check_writable

    check_writable(output, folder=True)
    check_outputs([output / "actors.csv", output / "ties.csv"], [*records, *([providers] if providers else [])])
    secret = None
    if key is not None:
        from carenet_graph.privacy import load_or_create_key

        if key.resolve().is_relative_to(output.resolve()):
            raise click.BadParameter(translate("cli_key_in_output", lang), param_hint="--key")
        secret = load_or_create_key(key)
    result = run_derive(list(records), output, options=DeriveOptions(**choices), providers=providers,
                        layout=layout, key=secret, progress=terminal_progress(lang))
    counts = result.record["counts"]
    rejected = result.report.accounting.rows_rejected
    if rejected or result.report.warnings:
        echo(translate("cli_derive_notes", lang, errors=len(result.report.errors),
                       warnings=len(result.report.warnings), rows=rejected), err=True)
    echo(translate("cli_derived", lang, rows=counts["rows_used"], providers=counts["providers"], ties=counts["ties"],
                   threshold=result.record["choices"]["threshold"]))
    echo(translate("summary_written", lang, files=files(result.files)))
