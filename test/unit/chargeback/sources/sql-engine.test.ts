/**
 * The DuckDB adapter of the SQL-engine port fetches a result as one JSON text per row (DuckDB writes it) instead of
 * node-api's value-by-value conversion: the rows must be exactly what the conversion gave, value for value and in
 * order, for every type the readers return (text, exact decimals, 64- and 128-bit integers, times), and results
 * with other types or statements that are not queries must still come back.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { withDuckDb } from "../../../../chargeback/sources/duckdb.js";
import { duckDbEngine } from "../../../../chargeback/sources/sql-engine.js";

/** The rows as node-api converts them, then as text the way the port gives them. */
async function byNodeApi(c: DuckDBConnection, sql: string) {
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        v === null ? null : typeof v === "object" ? JSON.stringify(v) : String(v),
      ]),
    ),
  );
}

const TYPED = `SELECT i, 'a"b\\c''d' || i AS s, NULL::VARCHAR AS n, i % 2 = 0 AS b, 42::INTEGER AS int,
  9007199254740993::BIGINT + i AS big, (2::HUGEINT ** 100)::HUGEINT AS huge, sum(3::BIGINT) OVER () AS summed,
  CAST('-340.320000000000000001' AS DECIMAL(38, 18)) AS d18, CAST('0.5' AS DECIMAL(10, 2)) AS d2,
  CAST('-0.05' AS DECIMAL(4, 2)) AS neg, 0.1::DOUBLE AS dbl, 1e300::DOUBLE AS huge_dbl, 100::DOUBLE AS whole_dbl,
  TIMESTAMP '2026-10-01 00:00:00' AS ts, TIMESTAMP '2026-10-01 00:00:00.123456' AS ts_us,
  TIMESTAMPTZ '2026-10-01 05:00:00+02' AS tstz, DATE '2026-10-31' AS day, 'é ☃ ' || chr(1) AS unicode,
  "col with ""quote"" and 'apostrophe'" FROM (SELECT range AS i, 'x' AS "col with ""quote"" and 'apostrophe'" FROM range(5000))
  ORDER BY i DESC`;

describe("duckDbEngine: rows as JSON text, the same as node-api's conversion", () => {
  it("every type the readers return, value for value and in the query's order", async () => {
    await withDuckDb("test", async (c) => {
      const rows = await duckDbEngine(c).query(TYPED);
      expect(rows).toHaveLength(5000);
      expect(rows[0]?.i).toBe("4999");
      expect(rows).toEqual(await byNodeApi(c, TYPED));
      // beyond 2^53 and exact to 18 places: never through a JavaScript number
      expect(rows[0]).toMatchObject({
        d18: "-340.320000000000000001",
        big: String(9007199254740993n + 4999n),
      });
    });
  });

  it("a result without floating-point columns (every value cast to text by DuckDB) is the same", async () => {
    await withDuckDb("test", async (c) => {
      const exact = `SELECT * EXCLUDE (dbl, huge_dbl, whole_dbl) FROM (${TYPED})`;
      const rows = await duckDbEngine(c).query(exact);
      expect(rows).toHaveLength(5000);
      expect(rows).toEqual(await byNodeApi(c, exact));
      expect(rows[1]).toMatchObject({ b: "true", int: "42", n: null, tstz: "2026-10-01 03:00:00+00" });
    });
  });

  it("nested types and statements that are not queries come back as node-api converts them", async () => {
    await withDuckDb("test", async (c) => {
      const nested =
        "SELECT [1, 2] AS l, {'a': 1, 'b': 'x'} AS st, MAP {'k': 'v'} AS m, INTERVAL 1 DAY AS iv";
      expect(await duckDbEngine(c).query(nested)).toEqual(await byNodeApi(c, nested));
      const describe = "DESCRIBE SELECT 1 AS one";
      expect((await duckDbEngine(c).query(describe))[0]).toMatchObject({
        column_name: "one",
        column_type: "INTEGER",
      });
      expect(await duckDbEngine(c).query("SELECT 1 AS one WHERE false")).toEqual([]);
    });
  });

  it("a failing query fails with DuckDB's message, and leaves no result table behind", async () => {
    await withDuckDb("test", async (c) => {
      await expect(duckDbEngine(c).query("SELECT CAST('abc' AS DECIMAL(38, 18)) AS x")).rejects.toThrow(
        /Could not convert string "abc"/,
      );
      await duckDbEngine(c).query("SELECT 1 AS one");
      const tables = (await c.runAndReadAll("SELECT table_name FROM duckdb_tables()")).getRows();
      expect(tables).toEqual([]);
    });
  });
});
