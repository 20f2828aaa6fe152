"""The projection from patient–provider contacts to a provider network, as one SQL text.

The text is written once, in DuckDB's dialect, using only what both engines share (joins,
``GROUP BY``, window functions, ``MD5``, integer day arithmetic); :func:`for_engine` hands it to
Spark through sqlglot's transpiler, and the parity test runs both on one fixture. Each engine
first exposes the checked input as a view ``contacts(patient, provider, day, year)`` — ``day``
counts days since 1970-01-01, so no date function is needed here.

The steps (each a view; :data:`OUTPUTS` are what the caller reads):

``capped``   the contacts, with over-cap patients sampled (``MD5`` rank, seeded) or left out
``units``    the co-occurrence unit per patient and provider (calendar year, episode or day)
``pp``       one row per patient and provider pair who share that patient under the window:
             ``JOIN`` on patient within the unit (``a.provider < b.provider`` undirected,
             ``a.first_day <= b.first_day`` in sequence) then ``DISTINCT``
``patients_k``  k, the number of distinct providers of each patient
``providers_n`` n, the number of distinct patients of each provider
``pairs``    per pair: ``shared = COUNT(*)`` and ``newman = SUM(1/(k-1))`` over ``pp``
``ties``     pairs with ``shared >= threshold``, ``jaccard = shared / (n_a + n_b - shared)``
``density``  per patient, Pollack's care density: ``SUM(shared) / (k(k-1)/2)`` over the
             patient's undirected pairs

The cost is dominated by ``pp``: :math:`\\sum_p k_p(k_p-1)/2` rows for ``year``; DuckDB
spills it to disk beyond its memory limit.
"""

from __future__ import annotations

from carenet_graph.derive.options import DeriveOptions

#: The views the caller reads, in order.
OUTPUTS = ("ties", "providers_n", "density")


def _capped(options: DeriveOptions) -> str:
    cap = options.max_providers
    if cap is None:
        return "capped AS (SELECT patient, provider, day, year FROM contacts)"
    distinct = "SELECT DISTINCT patient, provider FROM contacts"
    if options.over_cap == "drop":
        keep = (f"SELECT patient, provider FROM ({distinct}) AS d WHERE patient IN "
                f"(SELECT patient FROM ({distinct}) AS e GROUP BY patient HAVING COUNT(*) <= {cap})")
    else:
        # MD5 of patient, provider and seed orders each patient's providers at random, the same way in
        # every engine (a hash() would differ between DuckDB and Spark).
        seed = int(options.seed)
        keep = ("SELECT patient, provider FROM (SELECT patient, provider, ROW_NUMBER() OVER (PARTITION BY patient "
                f"ORDER BY MD5(CONCAT(patient, '|', provider, '|', '{seed}'))) AS r FROM ({distinct}) AS d) AS s "
                f"WHERE r <= {cap}")
    return ("kept AS (" + keep + "),\n"
            "capped AS (SELECT c.patient, c.provider, c.day, c.year FROM contacts AS c "
            "JOIN kept AS k ON c.patient = k.patient AND c.provider = k.provider)")


def _uses_mask(options: DeriveOptions, years: tuple[int, int] | None) -> bool:
    """Whether the calendar years of a patient and provider fit one 63-bit mask (undirected
    ``year`` window): then a pair shares the patient exactly when their masks overlap, and no
    ``DISTINCT`` over the pairs is needed."""
    return (options.window == "year" and options.direction == "none" and years is not None
            and years[1] - years[0] < 63)


def _units(options: DeriveOptions, years: tuple[int, int] | None) -> str:
    """``units(patient, code, bucket, first_day)``, or ``units(patient, code, years)`` with a mask;
    only patients with two or more providers (the others share no one), with their ``k``."""
    if _uses_mask(options, years):
        assert years is not None
        grouped = (f"SELECT patient, provider, BIT_OR(CAST(1 AS BIGINT) << (year - {int(years[0])})) AS years "
                   "FROM capped GROUP BY patient, provider")
        columns = "u.years"
    elif options.window_days is not None:
        grouped = "SELECT DISTINCT patient, provider, 0 AS bucket, day AS first_day FROM capped"
        columns = "u.bucket, u.first_day"
    elif options.window == "year":
        grouped = ("SELECT patient, provider, year AS bucket, MIN(day) AS first_day FROM capped "
                   "GROUP BY patient, provider, year")
        columns = "u.bucket, u.first_day"
    else:
        gap = int(options.episode_gap)
        grouped = (
            "SELECT c.patient, c.provider, e.bucket, MIN(c.day) AS first_day FROM capped AS c JOIN ("
            "SELECT patient, day, SUM(starts) OVER (PARTITION BY patient ORDER BY day "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS bucket FROM ("
            "SELECT patient, day, CASE WHEN day - LAG(day) OVER (PARTITION BY patient ORDER BY day) "
            f"< {gap} THEN 0 ELSE 1 END AS starts FROM (SELECT DISTINCT patient, day FROM capped) AS days"
            ") AS marked) AS e ON c.patient = e.patient AND c.day = e.day GROUP BY c.patient, c.provider, e.bucket")
        columns = "u.bucket, u.first_day"
    return (f"grouped AS ({grouped}),\n"
            f"units AS (SELECT u.patient, p.code, k.k, {columns} FROM grouped AS u "
            "JOIN providers_n AS p ON u.provider = p.provider JOIN patients_k AS k ON u.patient = k.patient "
            "WHERE k.k > 1)")


def _pp(options: DeriveOptions, years: tuple[int, int] | None) -> str:
    days = options.window_days
    on = ["a.patient = b.patient"]
    if _uses_mask(options, years):
        on += ["a.code < b.code", "(a.years & b.years) <> 0"]
        # (patient, code) is unique in units: each pair of one patient is met once.
        return f"pp AS (SELECT a.patient, a.k, a.code AS source, b.code AS target FROM units AS a JOIN units AS b ON " \
               f"{' AND '.join(on)})"
    if days is None:
        on.append("a.bucket = b.bucket")
    if options.direction == "none":
        on.append("a.code < b.code")
        if days is not None:
            on.append(f"ABS(a.first_day - b.first_day) <= {days}")
    else:
        on += ["a.code <> b.code", "a.first_day <= b.first_day"]
        if days is not None:
            on.append(f"b.first_day - a.first_day <= {days}")
    return ("pp AS (SELECT DISTINCT a.patient, a.k, a.code AS source, b.code AS target FROM units AS a "
            f"JOIN units AS b ON {' AND '.join(on)})")


def prepared(options: DeriveOptions) -> list[tuple[str, str, bool]]:
    """The steps every output shares, as ``(name, SELECT, keep)`` in order. Each becomes a view;
    those with ``keep`` are computed once and kept (DuckDB: temporary tables; Spark: cached), so
    that the outputs do not recompute them. ``capped`` stays a view: without a cap it is the
    contacts themselves."""
    return [
        ("capped", f"WITH {_capped(options)} SELECT patient, provider, day, year FROM capped", False),
        ("pv", "SELECT DISTINCT patient, provider FROM capped", True),
        ("patients_k", "SELECT patient, COUNT(*) AS k FROM pv GROUP BY patient", True),
        # Integer codes (in provider order, so the same in every engine) make the pair joins and the
        # grouping by pair work on numbers instead of text.
        ("providers_n", "SELECT provider, COUNT(*) AS n, ROW_NUMBER() OVER (ORDER BY provider) AS code FROM pv "
                        "GROUP BY provider", True),
    ]


def construction(options: DeriveOptions, years: tuple[int, int] | None = None) -> dict[str, str]:
    """The SQL of each output view (:data:`OUTPUTS`) as a standalone ``SELECT`` with its ``WITH``
    clause, in DuckDB's dialect, over the :func:`prepared` steps. ``years``: the first and last
    calendar year of the contacts (lets the ``year`` window use a bit mask instead of a
    ``DISTINCT``; None: not known)."""
    common = ",\n".join((
        _units(options, years), _pp(options, years),
        "pairs AS (SELECT source, target, COUNT(*) AS shared, SUM(1.0 / (k - 1)) AS newman FROM pp "
        "GROUP BY source, target)",
    ))
    threshold = int(options.threshold)
    ties = ("SELECT na.provider AS source, nb.provider AS target, p.shared, p.newman, "
            "CAST(p.shared AS DOUBLE) / (na.n + nb.n - p.shared) AS jaccard FROM pairs AS p "
            "JOIN providers_n AS na ON p.source = na.code JOIN providers_n AS nb ON p.target = nb.code "
            f"WHERE p.shared >= {threshold}")
    # Care density is over undirected pairs; in sequence mode a pair may be there in both orders.
    density = (
        "upp AS (SELECT DISTINCT patient, k, LEAST(source, target) AS a, GREATEST(source, target) AS b FROM pp),\n"
        "ushared AS (SELECT a, b, COUNT(*) AS shared FROM upp GROUP BY a, b)\n"
        "SELECT upp.patient, upp.k, SUM(s.shared) AS pair_sum, "
        "CAST(SUM(s.shared) AS DOUBLE) / (upp.k * (upp.k - 1) / 2.0) AS care_density FROM upp "
        "JOIN ushared AS s ON upp.a = s.a AND upp.b = s.b GROUP BY upp.patient, upp.k"
    )
    return {
        "ties": f"WITH {common}\n{ties}",
        "providers_n": "SELECT provider, n FROM providers_n",
        "density": f"WITH {common},\n{density}",
    }


def from_pairs(options: DeriveOptions) -> str:
    """The ties of published pairs (``pair_rows(source, target, patients, pair_count)``): a pair
    listed more than once (several files) keeps its largest patient count, which never counts a
    patient twice; undirected (``direction="none"``), A → B and B → A are one tie with the larger
    count of the two. Then the same threshold as for records."""
    if options.direction == "none":
        ends = "LEAST(source, target) AS source, GREATEST(source, target) AS target"
    else:
        ends = "source, target"
    return (f"WITH ends AS (SELECT {ends}, patients, pair_count FROM pair_rows)\n"
            "SELECT source, target, MAX(patients) AS shared, CAST(SUM(pair_count) AS BIGINT) AS pair_count FROM ends "
            f"GROUP BY source, target HAVING MAX(patients) >= {int(options.threshold)}")


def for_engine(sql: str, engine: str) -> str:
    """``sql`` in ``engine``'s dialect: unchanged for DuckDB, transpiled by sqlglot for Spark."""
    if engine == "duckdb":
        return sql
    import sqlglot

    return str(sqlglot.transpile(sql, read="duckdb", write="spark")[0])
