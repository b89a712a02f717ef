"""Proves that readers other than Polars read sandogh's lake as it is: DuckDB and pyarrow."""
import sys
from pathlib import Path

import duckdb
import pyarrow.dataset as ds

lake = Path(sys.argv[1])
tables = ["funds", "members", "savings", "loans", "installments", "financing", "trainings"]
con = duckdb.connect()
for t in tables:
    glob = str(lake / t / "**" / "*.parquet")
    n, counties = con.execute(
        f"select count(*), count(distinct county) from read_parquet('{glob}', hive_partitioning = true)"
    ).fetchone()
    arrow = ds.dataset(lake / t, format="parquet", partitioning="hive").to_table()
    assert arrow.num_rows == n, (t, arrow.num_rows, n)
    assert "county" in arrow.column_names, t
    assert not {"full_name", "national_id", "mobile"} & set(arrow.column_names), t
    assert n > 0, f"{t} is empty"
    print(f"{t:<13} {n:>7} rows in {counties} counties (duckdb = pyarrow)")
funds20 = con.execute(
    f"select count(*) from read_parquet('{lake}/funds/**/*.parquet', hive_partitioning = true) "
    "where established_on <= date '2020-10-14'"
).fetchone()[0]
assert funds20 == 20, funds20
rejects = con.execute(f"select count(*) from read_parquet('{lake}/rejects/*.parquet')").fetchone()[0]
print(f"rejects       {rejects:>7} rows; funds established by 1399/07/23: {funds20}")

# The indicators table, as DuckDB sees it (value is decimal(38,4)).
indicators = lake.parent / "indicators" / "indicators.parquet"
if indicators.exists():
    rows = con.execute(
        f"select indicator, value from read_parquet('{indicators}') "
        "where quarter = '1399Q3' and level = 'province' and indicator in ('funds_active', 'financing_total')"
    ).fetchall()
    got = {name: float(value) for name, value in rows}
    assert got == {"funds_active": 20.0, "financing_total": 9e9}, got
    print(f"indicators    1399Q3 province: {got}")
